//! The indicators as files: JSON (the table), CSV (one line per value) and XLSX (a sheet per family of
//! indicators, and a sheet of the indicators whose source is still to come); shared by the API, the page
//! and `passerelle indicators`.

use crate::Download;
use crate::spreadsheet::{CSV, sheet_csv};
use passerelle_documents::xlsx::{self, Cell, Sheet};
pub use passerelle_domain::indicators::MINIMUM_THRESHOLD;
use passerelle_domain::indicators::{
    Dimension, Family, IndicatorCode, PeriodRange, definition, parse_breakdown, threshold,
};
use passerelle_domain::invalid::Invalid;
use passerelle_store::indicators::{Request, Row, Table, Viewer};
use time::macros::time;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// What a caller typed: dates as AAAA-MM-JJ, `by` a list of dimensions and at most one period cut,
/// `indicators` a list of codes (all when empty).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Query {
    /// First day, AAAA-MM-JJ.
    pub from: String,
    /// Last day, AAAA-MM-JJ.
    pub to: String,
    /// Dimensions and period cut: `department,siae_kind,quarter`.
    pub by: Option<String>,
    /// Indicator codes, comma-separated (all by default).
    pub indicators: Option<String>,
    /// The values as they were at the end of this day (AAAA-MM-JJ).
    pub as_of: Option<String>,
    /// Cells counting fewer people are masked: 5 by default, which is also the least accepted (a higher
    /// threshold is allowed, a lower one answers 422 `threshold_invalid`).
    pub threshold: Option<u64>,
    /// json (default), csv or xlsx.
    pub format: Option<String>,
}

impl Query {
    /// The checked request, for `viewer`, with a threshold of at least `floor` ([`MINIMUM_THRESHOLD`] for
    /// every caller of the server).
    pub fn request(&self, viewer: Viewer, floor: u64) -> Result<Request, Invalid> {
        let from = day("from", &self.from)?;
        let to = day("to", &self.to)?;
        let (granularity, dimensions) = parse_breakdown(self.by.as_deref().unwrap_or(""))?;
        let mut indicators = Vec::new();
        for code in self
            .indicators
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            indicators.push(IndicatorCode::parse(code).ok_or_else(|| {
                Invalid::new("indicator_unknown", format!("indicateur inconnu : « {code} »")).on("indicators")
            })?);
        }
        let as_of = match self.as_of.as_deref() {
            Some(d) => Some(end_of_day(day("as_of", d)?)),
            None => None,
        };
        let threshold = threshold(self.threshold, floor)?;
        Ok(Request {
            range: PeriodRange::new(from, to)?,
            granularity,
            dimensions,
            indicators,
            as_of,
            threshold,
            viewer,
        })
    }

    pub fn format(&self) -> Result<Format, Invalid> {
        Format::parse(self.format.as_deref().unwrap_or("json"))
    }
}

fn day(field: &str, value: &str) -> Result<Date, Invalid> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(value.trim(), format).map_err(|_| {
        Invalid::new(
            "date_invalid",
            format!("date invalide pour {field} : « {value} » (attendu AAAA-MM-JJ)"),
        )
        .on(field)
    })
}

fn end_of_day(d: Date) -> OffsetDateTime {
    PrimitiveDateTime::new(d, time!(23:59:59)).assume_utc()
}

/// The formats of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(code: &str) -> Result<Self, Invalid> {
        match code {
            "json" => Ok(Self::Json),
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            other => Err(Invalid::new(
                "format_unknown",
                format!("Le format « {other} » n'est pas proposé : « json », « csv » ou « xlsx »."),
            )
            .on("format")),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Csv => CSV,
            Self::Xlsx => xlsx::CONTENT_TYPE,
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Self::Json => "indicateurs.json",
            Self::Csv => "indicateurs.csv",
            Self::Xlsx => "indicateurs.xlsx",
        }
    }
}

/// The table in `format` as a file to hand over (the API, the page's export links).
pub fn download(table: &Table, dimensions: &[Dimension], format: Format) -> Download {
    Download {
        file_name: format.file_name().into(),
        content_type: format.content_type(),
        bytes: render(table, dimensions, format),
    }
}

/// The table in `format`.
pub fn render(table: &Table, dimensions: &[Dimension], format: Format) -> Vec<u8> {
    match format {
        Format::Json => {
            let mut json = serde_json::to_vec_pretty(table).unwrap_or_default();
            json.push(b'\n');
            json
        }
        Format::Csv => sheet_csv(&sheet("Indicateurs", table.rows.iter(), dimensions)),
        Format::Xlsx => xlsx::workbook(&sheets(table, dimensions)),
    }
}

/// One sheet per family that has values, then the sources to come.
pub fn sheets(table: &Table, dimensions: &[Dimension]) -> Vec<Sheet> {
    let mut out: Vec<Sheet> = Family::ALL
        .iter()
        .filter_map(|family| {
            let rows: Vec<&Row> = table.rows.iter().filter(|r| family_of(r) == Some(*family)).collect();
            (!rows.is_empty()).then(|| sheet(family.label(), rows.into_iter(), dimensions))
        })
        .collect();
    if !table.pending.is_empty() || !table.not_along.is_empty() {
        let mut missing = Sheet::new("Non calculés", &["indicateur", "libellé", "raison", "source"]);
        for (codes, why) in [
            (&table.pending, "source à venir"),
            (&table.not_along, "pas selon ces dimensions"),
        ] {
            for code in codes {
                let d = definition(*code);
                missing.row(vec![
                    Cell::text(code.code()),
                    Cell::text(code.label()),
                    Cell::text(why),
                    Cell::text(d.source.label()),
                ]);
            }
        }
        out.push(missing);
    }
    out
}

fn family_of(row: &Row) -> Option<Family> {
    IndicatorCode::parse(row.indicator).map(|c| definition(c).family)
}

fn sheet<'a>(name: &str, rows: impl Iterator<Item = &'a Row>, dimensions: &[Dimension]) -> Sheet {
    let mut headings = vec!["indicateur", "libellé", "période"];
    headings.extend(dimensions.iter().map(|d| d.label()));
    headings.extend(["valeur", "masqué"]);
    let mut s = Sheet::new(name, &headings);
    for r in rows {
        let label = IndicatorCode::parse(r.indicator).map_or("", |c| c.label());
        let mut cells = vec![Cell::text(r.indicator), Cell::text(label), Cell::text(r.period.clone())];
        cells.extend(
            dimensions
                .iter()
                .map(|d| Cell::text(r.dimensions.get(d.code()).cloned().unwrap_or_default())),
        );
        cells.push(r.value.map_or(Cell::Empty, Cell::Number));
        cells.push(Cell::text(if r.masked { "oui" } else { "non" }));
        s.row(cells);
    }
    s
}
