//! The dimensions along which a value is broken down.

use super::period::Granularity;
use crate::invalid::Invalid;
use serde::{Deserialize, Serialize};

labelled_codes! {
    /// A breakdown of the values (`--by department,siae_kind`).
    Dimension {
        Department => "department", "Département";
        Region => "region", "Région";
        Organisation => "organisation", "Structure";
        SiaeKind => "siae_kind", "Type de SIAE";
        Agreement => "agreement", "Convention";
        ExitOutcome => "exit_outcome", "Issue de la sortie";
    }
}

impl Dimension {
    /// Parses a comma-separated list (`department,siae_kind`); empty gives no breakdown. Each dimension once.
    pub fn parse_list(list: &str) -> Result<Vec<Self>, Invalid> {
        let mut out = Vec::new();
        for code in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let d = Self::parse(code).ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|d| d.code()).collect();
                Invalid::new(
                    "dimension_unknown",
                    format!("dimension inconnue : « {code} » (attendu : {})", known.join(", ")),
                )
                .on("by")
            })?;
            if out.contains(&d) {
                return Err(Invalid::new("dimension_repeated", format!("dimension répétée : « {code} »")).on("by"));
            }
            out.push(d);
        }
        Ok(out)
    }
}

/// A `--by` list that may also name the period's cut (`department,siae_kind,quarter`): the granularity (the
/// whole range when none is named) and the dimensions.
pub fn parse_breakdown(list: &str) -> Result<(Granularity, Vec<Dimension>), Invalid> {
    let mut granularity = None;
    let mut rest = Vec::new();
    for code in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        match Granularity::parse(code) {
            Some(g) if granularity.is_none() => granularity = Some(g),
            Some(_) => {
                return Err(Invalid::new(
                    "period_repeated",
                    "une seule découpe de période à la fois (month, quarter, year ou range)",
                )
                .on("by"));
            }
            None => rest.push(code),
        }
    }
    Ok((
        granularity.unwrap_or(Granularity::Whole),
        Dimension::parse_list(&rest.join(","))?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("department,siae_kind,quarter", Ok((Granularity::Quarter, vec![Dimension::Department, Dimension::SiaeKind])))]
    #[case("", Ok((Granularity::Whole, vec![])))]
    #[case("month", Ok((Granularity::Month, vec![])))]
    #[case("month,year", Err("period_repeated"))]
    #[case("semaine", Err("dimension_unknown"))]
    fn breakdowns(#[case] list: &str, #[case] expected: Result<(Granularity, Vec<Dimension>), &str>) {
        assert_eq!(parse_breakdown(list).map_err(|e| e.code), expected);
    }

    #[rstest]
    #[case("", Ok(vec![]))]
    #[case("department,siae_kind", Ok(vec![Dimension::Department, Dimension::SiaeKind]))]
    #[case(" region , agreement ", Ok(vec![Dimension::Region, Dimension::Agreement]))]
    #[case("department,commune", Err("dimension_unknown"))]
    #[case("region,region", Err("dimension_repeated"))]
    fn lists(#[case] list: &str, #[case] expected: Result<Vec<Dimension>, &str>) {
        assert_eq!(Dimension::parse_list(list).map_err(|e| e.code), expected);
    }
}
