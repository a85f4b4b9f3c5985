//! `/echeances`: the month calendar of meetings and deadlines, and its iCalendar.

use super::today;
use crate::error::ApiError;
use crate::pages::kit::PageResult;
use crate::pages::session::{Nav, Visitor};
use crate::respond::{self, calendar_feed};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use passerelle_domain::calendar::{MONTH_NAMES, add_days, add_months, french_date};
use passerelle_store::obligations::Due;
use serde::Deserialize;
use time::{Date, Month};

/// One entry of a calendar day.
pub struct Entry {
    label: String,
    link: String,
    meeting: bool,
    overdue: bool,
}

/// A day of the month grid (`None` for the days of the neighbouring months).
pub struct Cell {
    day: Option<u8>,
    today: bool,
    entries: Vec<Entry>,
}

#[derive(Template, WebTemplate)]
#[template(path = "governance/deadlines.html")]
pub struct DeadlinesPage {
    nav: Nav,
    month_label: String,
    previous: String,
    next: String,
    weeks: Vec<Vec<Cell>>,
    overdue: Vec<Due>,
    list: Vec<(String, Due)>,
    ics: String,
    weekdays: [&'static str; 7],
}

#[derive(Deserialize)]
pub struct MonthQuery {
    /// `AAAA-MM`; the current month by default.
    mois: Option<String>,
}

fn month_of(q: &MonthQuery) -> Result<Date, ApiError> {
    match q.mois.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => Ok(today().replace_day(1).unwrap_or(today())),
        Some(m) => {
            let parsed = m
                .split_once('-')
                .and_then(|(y, mo)| Some((y.parse::<i32>().ok()?, mo.parse::<u8>().ok()?)))
                .and_then(|(y, mo)| Date::from_calendar_date(y, Month::try_from(mo).ok()?, 1).ok())
                .filter(|d| (2000..=2100).contains(&d.year()));
            parsed.ok_or_else(|| {
                ApiError::bad_request(
                    "month_invalid",
                    format!("Le mois « {m} » doit s'écrire AAAA-MM (2026-06)."),
                )
            })
        }
    }
}

fn month_param(d: Date) -> String {
    format!("{}-{:02}", d.year(), u8::from(d.month()))
}

pub async fn deadlines(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<MonthQuery>,
) -> PageResult<DeadlinesPage> {
    let first = month_of(&q)?;
    let last = add_days(add_months(first, 1), -1);
    let today = today();
    let ctx = &visitor.ctx;
    let meetings = state.store.meetings_between(ctx, first, last).await?;
    let due = state.store.deadlines(ctx, first, last, today).await?;
    let overdue = if first <= today {
        state
            .store
            .deadlines(ctx, add_days(today, -90), add_days(today, -1), today)
            .await?
    } else {
        Vec::new()
    };
    let lead = first.weekday().number_days_from_monday();
    let mut cells: Vec<Cell> = (0..lead)
        .map(|_| Cell {
            day: None,
            today: false,
            entries: Vec::new(),
        })
        .collect();
    let mut day = first;
    while day <= last {
        let mut entries: Vec<Entry> = meetings
            .iter()
            .filter(|m| m.held_on == day)
            .map(|m| Entry {
                label: format!("{} {}", m.start_time, m.committee_name),
                link: format!("/reunions/{}", m.id),
                meeting: true,
                overdue: false,
            })
            .collect();
        entries.extend(due.iter().filter(|d| d.due_on == day).map(|d| Entry {
            label: d.title.clone(),
            link: d.link.clone(),
            meeting: false,
            overdue: d.overdue,
        }));
        cells.push(Cell {
            day: Some(day.day()),
            today: day == today,
            entries,
        });
        day = add_days(day, 1);
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(Cell {
            day: None,
            today: false,
            entries: Vec::new(),
        });
    }
    let mut weeks = Vec::new();
    let mut cells = cells.into_iter().peekable();
    while cells.peek().is_some() {
        weeks.push(cells.by_ref().take(7).collect());
    }
    let month_label = format!(
        "{} {}",
        MONTH_NAMES[usize::from(u8::from(first.month())) - 1],
        first.year()
    );
    Ok(DeadlinesPage {
        nav: visitor.nav("echeances"),
        month_label,
        previous: month_param(add_months(first, -1)),
        next: month_param(add_months(first, 1)),
        weeks,
        overdue,
        list: due.into_iter().map(|d| (french_date(d.due_on), d)).collect(),
        ics: format!("/echeances.ics?mois={}", month_param(first)),
        weekdays: WEEKDAYS,
    })
}

/// The month's meetings and deadlines as iCalendar (the page's download link).
pub async fn deadlines_ics(State(state): State<AppState>, visitor: Visitor, Query(q): Query<MonthQuery>) -> PageResult {
    let first = month_of(&q)?;
    let last = add_days(add_months(first, 1), -1);
    let ics = calendar_feed(&state.store, &visitor.ctx, first, last).await?;
    Ok(respond::calendar(ics, "echeances.ics"))
}

/// Monday first, as French calendars are.
const WEEKDAYS: [&str; 7] = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"];
