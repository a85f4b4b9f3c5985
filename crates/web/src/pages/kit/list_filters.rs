//! The filters of a list of cases read from its address: a status, a period (« du », « au »), an order and the
//! page. They come back in the form and in the pager's links as typed; a value the list cannot use comes back
//! with what to fix under its field, with HTTP 422.

use super::form::{FormError, form_date};
use crate::error::ApiError;
use axum::http::StatusCode;
use serde::Deserialize;
use time::Date;

/// The filters as typed in the address.
#[derive(Deserialize, Default, Clone)]
pub struct ListFilters {
    #[serde(default)]
    pub statut: String,
    #[serde(default)]
    pub du: String,
    #[serde(default)]
    pub au: String,
    /// `anciennes` for the oldest first; the newest first otherwise.
    #[serde(default)]
    pub tri: String,
    #[serde(default)]
    pub page: String,
}

/// The filters a list can use.
pub struct Chosen<S> {
    pub status: Option<S>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub oldest_first: bool,
    pub page: u32,
}

/// A status a list can be filtered by: its code in the address and its label in the form.
pub struct StatusChoice {
    pub code: &'static str,
    pub label: &'static str,
}

fn refused(code: &'static str, field: &str, message: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message).on(field)
}

impl ListFilters {
    /// The filters, or the first one to fix; `parse_status` reads a status code of the list.
    pub fn chosen<S>(&self, parse_status: impl Fn(&str) -> Option<S>) -> Result<Chosen<S>, ApiError> {
        let status = match self.statut.trim() {
            "" => None,
            code => Some(parse_status(code).ok_or_else(|| {
                refused(
                    "status_unknown",
                    "statut",
                    "Choisissez un statut dans la liste.".to_owned(),
                )
            })?),
        };
        let date = |label: &str, field: &str, value: &str| {
            form_date(label, value).map_err(|e| refused("date_invalid", field, e.message))
        };
        let from = date("du", "du", &self.du)?;
        let to = date("au", "au", &self.au)?;
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err(refused(
                "period_reversed",
                "au",
                format!(
                    "La date « au » ({}) précède la date « du » ({}) : corrigez l'une des deux.",
                    passerelle_domain::french::date(to),
                    passerelle_domain::french::date(from)
                ),
            ));
        }
        let oldest_first = match self.tri.trim() {
            "" | "recentes" => false,
            "anciennes" => true,
            _ => {
                return Err(refused(
                    "sort_unknown",
                    "tri",
                    "Choisissez un ordre dans la liste.".to_owned(),
                ));
            }
        };
        Ok(Chosen {
            status,
            from,
            to,
            oldest_first,
            page: self.page.trim().parse().unwrap_or(1).max(1),
        })
    }

    /// Whether a status or a date narrows the list.
    pub fn narrowing(&self) -> bool {
        [&self.statut, &self.du, &self.au].iter().any(|v| !v.trim().is_empty())
    }

    /// The address of page `n` of the list at `path` with these filters and the list's own `extra` ones.
    pub fn url(&self, path: &str, extra: &[(&'static str, String)], n: u32) -> String {
        let params: Vec<(&str, String)> = extra
            .iter()
            .cloned()
            .chain([
                ("statut", self.statut.clone()),
                ("du", self.du.clone()),
                ("au", self.au.clone()),
                ("tri", self.tri.clone()),
            ])
            .filter(|(_, v)| !v.is_empty())
            .chain([("page", n.to_string())])
            .collect();
        format!("{path}?{}", serde_urlencoded::to_string(params).unwrap_or_default())
    }
}

/// What the filter form of a list shows (`list_filters.html`).
pub struct FilterForm {
    /// The list's address, which also clears the filters.
    pub list_path: &'static str,
    pub filters: ListFilters,
    pub statuses: Vec<StatusChoice>,
    /// What the status is called in this list, and what its dates are.
    pub status_label: &'static str,
    pub date_label: &'static str,
    /// The list's own choice of direction (code, label), when it has one, and the chosen one.
    pub directions: &'static [(&'static str, &'static str)],
    pub direction: String,
    pub error: FormError,
}

impl FilterForm {
    /// Whether the list shown is narrowed by a filter (the order does not narrow it).
    pub fn narrowing(&self) -> bool {
        self.filters.narrowing() || !self.direction.is_empty()
    }

    /// The HTTP status of the page: 422 when a filter is to fix.
    pub fn status(&self) -> StatusCode {
        if self.error.message.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        }
    }
}

/// « 0 candidature », « 1 candidature », « 1 250 candidatures »: a count of a list in words.
pub fn count(total: i64, one: &str, many: &str) -> String {
    let word = if total > 1 { many } else { one };
    format!("{} {word}", passerelle_domain::french::integer(total))
}

/// The error of refused filters, shown under their field.
pub fn filter_error(e: ApiError) -> Result<FormError, ApiError> {
    if e.status == StatusCode::UNPROCESSABLE_ENTITY {
        Ok(FormError::from_api(e))
    } else {
        Err(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filters(statut: &str, du: &str, au: &str, tri: &str) -> ListFilters {
        ListFilters {
            statut: statut.into(),
            du: du.into(),
            au: au.into(),
            tri: tri.into(),
            page: "2".into(),
        }
    }

    fn parse(code: &str) -> Option<u8> {
        (code == "ok").then_some(1)
    }

    #[test]
    fn filters_read_or_refused_on_their_field() {
        let ok = filters("ok", "01/12/2026", "2026-12-31", "anciennes")
            .chosen(parse)
            .unwrap();
        assert_eq!((ok.status, ok.oldest_first, ok.page), (Some(1), true, 2));
        assert_eq!(ok.from, Some(time::macros::date!(2026 - 12 - 01)));
        for (f, field, code) in [
            (filters("nope", "", "", ""), "statut", "status_unknown"),
            (filters("", "31/02/2026", "", ""), "du", "date_invalid"),
            (filters("", "", "demain", ""), "au", "date_invalid"),
            (filters("", "02/12/2026", "01/12/2026", ""), "au", "period_reversed"),
            (filters("", "", "", "hasard"), "tri", "sort_unknown"),
        ] {
            let e = f.chosen(parse).err().unwrap();
            assert_eq!(
                (e.code, e.field.as_deref(), e.status),
                (code, Some(field), StatusCode::UNPROCESSABLE_ENTITY)
            );
        }
    }

    #[test]
    fn the_pager_keeps_the_filters() {
        let f = filters("ok", "01/12/2026", "", "");
        assert_eq!(
            f.url("/liste", &[("sens", "recues".into())], 3),
            "/liste?sens=recues&statut=ok&du=01%2F12%2F2026&page=3"
        );
        assert!(f.narrowing() && !filters("", "", "", "anciennes").narrowing());
    }
}
