//! The benefits simulator page (`/simulateur`): today's situation and up to three scenarios, month by month,
//! with a chart of the total income of each, the reasons of every amount, and a print view.
//!
//! The form is sent with GET. The simulation is a pure computation that stores and changes nothing, so it
//! needs no CSRF token (those guard the forms that write); and its address can be reloaded, bookmarked or
//! sent to a colleague (who must be signed in too), and the browser's back button goes to the previous
//! scenario. The address holds the situation (birth date, incapacity rate) but no name; the server logs no
//! query string, the Referrer-Policy (same-origin) keeps it from other sites, and the page is not cached.

use super::session::{Nav, Visitor};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use passerelle_domain::benefits::{
    self, Activity, CaseInput, Cents, Change, EarningKind, Hours, HouseholdInput, Housing, Month, MonthResult, Pay,
    PersonInput, smic_pay,
};
use passerelle_domain::calendar::MONTH_NAMES;
use passerelle_domain::invalid::Invalid;

const MAX_SCENARIOS: usize = 3;
const DEFAULT_HORIZON: i32 = 12;
const MAX_HORIZON: i32 = 36;
/// The default scenario starts this many months after the first simulated month.
const DEFAULT_START_AFTER: i32 = 2;

const SHORT_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.",
];

/// `janvier 2026`.
fn month_name(m: Month) -> String {
    format!("{} {}", MONTH_NAMES[usize::from(m.number() - 1)], m.year())
}

/// One input of the form: its name (also its id), the text typed, and what is wrong with it.
#[derive(Debug, Clone, Default)]
pub struct Field {
    pub id: String,
    pub value: String,
    pub error: Option<String>,
}

impl Field {
    fn new(id: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            value: value.into(),
            error: None,
        }
    }

    fn trimmed(&self) -> &str {
        self.value.trim()
    }
}

#[derive(Debug, Clone)]
pub struct ScenarioForm {
    pub n: usize,
    /// `ordinary`, `double`, `esat`, or empty: no scenario.
    pub kind: Field,
    pub hours: Field,
    pub pay: Field,
    pub start: Field,
}

#[derive(Debug, Clone)]
pub struct SimulatorForm {
    pub birth_date: Field,
    /// Percent, `80` for 80 %.
    pub incapacity: Field,
    pub rsdae: bool,
    pub couple: bool,
    pub children: Field,
    pub housing: Field,
    pub housing_benefit: Field,
    /// `none`, `esat` or `ordinary`.
    pub current_kind: Field,
    pub current_pay: Field,
    pub first_month: Field,
    pub horizon: Field,
    pub scenarios: Vec<ScenarioForm>,
    /// Errors that belong to no field.
    pub general: Vec<String>,
}

impl SimulatorForm {
    /// The form as first shown: an ESAT worker, one scenario of ordinary employment to fill in.
    fn defaults(today: Month) -> Self {
        let mut form = Self::from_pairs(&[]);
        form.incapacity.value = "80".into();
        form.children.value = "0".into();
        form.housing.value = "tenant".into();
        form.housing_benefit.value = "0".into();
        form.current_kind.value = "esat".into();
        form.first_month.value = today.to_string();
        form.horizon.value = DEFAULT_HORIZON.to_string();
        form.scenarios[0].kind.value = "ordinary".into();
        form.scenarios[0].start.value = today.offset(DEFAULT_START_AFTER).to_string();
        form
    }

    /// The form as sent: every value kept as typed, absent ones empty.
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let value = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let field = |name: &str| Field::new(name, value(name));
        let checked = |name: &str| pairs.iter().any(|(k, _)| k == name);
        Self {
            birth_date: field("birth_date"),
            incapacity: field("incapacity"),
            rsdae: checked("rsdae"),
            couple: checked("couple"),
            children: field("children"),
            housing: field("housing"),
            housing_benefit: field("housing_benefit"),
            current_kind: field("current_kind"),
            current_pay: field("current_pay"),
            first_month: field("first_month"),
            horizon: field("horizon"),
            scenarios: (1..=MAX_SCENARIOS)
                .map(|n| ScenarioForm {
                    n,
                    kind: field(&format!("s{n}_kind")),
                    hours: field(&format!("s{n}_hours")),
                    pay: field(&format!("s{n}_pay")),
                    start: field(&format!("s{n}_start")),
                })
                .collect(),
            general: Vec::new(),
        }
    }

    fn fields_mut(&mut self) -> impl Iterator<Item = &mut Field> {
        [
            &mut self.birth_date,
            &mut self.incapacity,
            &mut self.children,
            &mut self.housing,
            &mut self.housing_benefit,
            &mut self.current_kind,
            &mut self.current_pay,
            &mut self.first_month,
            &mut self.horizon,
        ]
        .into_iter()
        .chain(
            self.scenarios
                .iter_mut()
                .flat_map(|s| [&mut s.kind, &mut s.hours, &mut s.pay, &mut s.start]),
        )
    }

    /// Records an error on a field (its first error is kept), or on the form when no field has this id.
    fn fail(&mut self, id: &str, message: impl Into<String>) {
        let message = message.into();
        let unplaced = match self.fields_mut().find(|f| f.id == id) {
            Some(f) => {
                f.error.get_or_insert(message);
                None
            }
            None => Some(message),
        };
        self.general.extend(unplaced);
    }

    /// Every error, field by field in the order of the form: `(field id, message)`, the id empty for the
    /// errors of the whole form.
    pub fn errors(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self.general.iter().map(|m| (String::new(), m.clone())).collect();
        let mut form = self.clone();
        out.extend(
            form.fields_mut()
                .filter_map(|f| f.error.clone().map(|e| (f.id.clone(), e))),
        );
        out
    }
}

/// A number as people type it: `1 234,56`, `1234.56`, `900 €`, `24 h`, `80 %`.
fn number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .trim_end_matches(['€', 'h', 'H', '%'])
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

const AMOUNT_HELP: &str = "un montant en euros, par exemple 850 ou 850,50";

/// What the form asks to simulate, once each field has been read.
struct Plan {
    person: PersonInput,
    household: HouseholdInput,
    months: Vec<Month>,
    current: Option<Activity>,
    scenarios: Vec<(usize, Change)>,
}

fn read_amount(form: &mut SimulatorForm, id: &str, text: &str, what: &str) -> Option<f64> {
    match number(text) {
        Some(v) if v >= 0.0 => Some(v),
        Some(_) => {
            form.fail(id, format!("{what} doit être positif ou nul."));
            None
        }
        None => {
            form.fail(id, format!("{what} doit être {AMOUNT_HELP}."));
            None
        }
    }
}

/// Reads the form; every error is recorded on its field and `None` returned if there is any.
fn plan(form: &mut SimulatorForm, today: Month) -> Option<Plan> {
    let birth_date = form.birth_date.trimmed().to_owned();
    if birth_date.is_empty() {
        form.fail("birth_date", "Indiquez la date de naissance (AAAA-MM-JJ).");
    }
    let incapacity = match number(form.incapacity.trimmed()) {
        Some(rate) if (0.0..=100.0).contains(&rate) => rate / 100.0,
        _ => {
            form.fail(
                "incapacity",
                "Indiquez le taux d'incapacité fixé par la CDAPH, en pourcentage entre 0 et 100 (80 pour 80 %).",
            );
            0.0
        }
    };
    let children = match form.children.trimmed() {
        "" => 0,
        text => text.parse::<u32>().unwrap_or_else(|_| {
            form.fail(
                "children",
                "Indiquez le nombre d'enfants à charge, 0 s'il n'y en a pas.",
            );
            0
        }),
    };
    let housing = match form.housing.trimmed() {
        "tenant" | "" => Housing::Tenant,
        "owner" => Housing::Owner,
        "free" => Housing::Free,
        _ => {
            form.fail("housing", "Choisissez une situation de logement de la liste.");
            Housing::Tenant
        }
    };
    let housing_benefit = match form.housing_benefit.value.trim().to_owned() {
        text if text.is_empty() => 0.0,
        text => read_amount(form, "housing_benefit", &text, "L'aide au logement").unwrap_or(0.0),
    };
    let current_pay_text = form.current_pay.trimmed().to_owned();
    let current_kind = match form.current_kind.trimmed() {
        "none" | "" => None,
        "esat" => Some(EarningKind::Esat),
        "ordinary" => Some(EarningKind::Ordinary),
        _ => {
            form.fail("current_kind", "Choisissez l'activité actuelle dans la liste.");
            None
        }
    };
    let current = match current_kind {
        Some(_) if current_pay_text.is_empty() => {
            form.fail("current_pay", "Indiquez la rémunération nette mensuelle actuelle.");
            None
        }
        Some(kind) => {
            read_amount(form, "current_pay", &current_pay_text, "La rémunération actuelle").map(|net| Activity {
                kind,
                pay: Pay::Net(Cents::from_euros(net).unwrap_or_default()),
            })
        }
        None => None,
    };
    let first = match form.first_month.trimmed().to_owned() {
        text if text.is_empty() => Some(today),
        text => text.parse::<Month>().ok().or_else(|| {
            form.fail(
                "first_month",
                format!("Le premier mois « {text} » doit s'écrire AAAA-MM."),
            );
            None
        }),
    };
    let horizon = match form.horizon.trimmed() {
        "" => Some(DEFAULT_HORIZON),
        text => text.parse::<i32>().ok().filter(|h| (1..=MAX_HORIZON).contains(h)),
    };
    if horizon.is_none() {
        form.fail(
            "horizon",
            format!("La durée doit être un nombre de mois entre 1 et {MAX_HORIZON}."),
        );
    }
    let months: Vec<Month> = match (first, horizon) {
        (Some(first), Some(h)) => (0..h).map(|i| first.offset(i)).collect(),
        _ => Vec::new(),
    };
    let mut scenarios = Vec::new();
    for i in 0..form.scenarios.len() {
        let s = form.scenarios[i].clone();
        let id = |what: &str| format!("s{}_{what}", s.n);
        let (kind, keeps_current) = match s.kind.trimmed() {
            "" => continue,
            "ordinary" => (EarningKind::Ordinary, false),
            "double" => (EarningKind::Ordinary, true),
            "esat" => (EarningKind::Esat, false),
            _ => {
                form.fail(&id("kind"), "Choisissez le type de scénario dans la liste.");
                continue;
            }
        };
        if keeps_current && current_kind.is_none() {
            form.fail(
                &id("kind"),
                "La double activité suppose une activité actuelle : indiquez-la, ou choisissez un emploi en milieu \
                 ordinaire seul.",
            );
        }
        let (hours, pay) = (s.hours.trimmed(), s.pay.trimmed());
        let pay = match (hours.is_empty(), pay.is_empty()) {
            (true, true) => {
                form.fail(
                    &id("hours"),
                    "Indiquez le nombre d'heures par semaine ou la rémunération nette mensuelle.",
                );
                None
            }
            (false, false) => {
                form.fail(
                    &id("hours"),
                    "Indiquez soit les heures par semaine, soit la rémunération nette mensuelle, pas les deux.",
                );
                None
            }
            (false, true) if kind == EarningKind::Esat => {
                form.fail(
                    &id("pay"),
                    "Pour un travail en ESAT, indiquez la rémunération garantie nette mensuelle : elle dépend de la \
                     part que finance l'ESAT, pas seulement des heures.",
                );
                None
            }
            (false, true) => match number(hours).map(|h| (h * 100.0).round() as i64) {
                Some(h) => match benefits::check_hours(h) {
                    Ok(()) => Some(Pay::SmicHours(h)),
                    Err(e) => {
                        form.fail(&id("hours"), e.message);
                        None
                    }
                },
                None => {
                    form.fail(
                        &id("hours"),
                        "Le nombre d'heures par semaine doit être un nombre, par exemple 24 ou 24,5.",
                    );
                    None
                }
            },
            (true, false) => read_amount(form, &id("pay"), pay, "La rémunération")
                .map(|v| Pay::Net(Cents::from_euros(v).unwrap_or_default())),
        };
        let start = match s.start.trimmed() {
            "" => {
                form.fail(&id("start"), "Indiquez le mois où la situation change (AAAA-MM).");
                None
            }
            text => text.parse::<Month>().ok().or_else(|| {
                form.fail(
                    &id("start"),
                    format!("Le mois de début « {text} » doit s'écrire AAAA-MM."),
                );
                None
            }),
        };
        if let (Some(pay), Some(start)) = (pay, start) {
            scenarios.push((
                s.n,
                Change {
                    activity: Activity { kind, pay },
                    start,
                    keeps_current,
                },
            ));
        }
    }
    if !form.errors().is_empty() {
        return None;
    }
    Some(Plan {
        person: PersonInput {
            birth_date,
            incapacity_rate: incapacity,
            rsdae: form.rsdae,
        },
        household: HouseholdInput {
            couple: form.couple,
            children,
            housing,
            housing_benefit,
        },
        months,
        current,
        scenarios,
    })
}

/// The form field a domain error is about.
fn field_of(invalid: &Invalid, scenario: Option<usize>) -> String {
    let field = invalid.field.as_deref().unwrap_or("");
    let on_scenario = |what: &str| scenario.map_or(String::new(), |n| format!("s{n}_{what}"));
    match field {
        "person.birth_date" => "birth_date".into(),
        "person.incapacity_rate" => "incapacity".into(),
        "household.children" => "children".into(),
        "household.housing_benefit" => "housing_benefit".into(),
        "months" => "first_month".into(),
        "hours" => on_scenario("hours"),
        "start" => on_scenario("start"),
        f if f.starts_with("earnings") => match scenario {
            Some(n) => format!("s{n}_pay"),
            None => "current_pay".into(),
        },
        _ => String::new(),
    }
}

/// One line of a series' table.
pub struct Row {
    pub id: String,
    pub month: String,
    pub earnings: String,
    pub aah: String,
    pub mva: String,
    /// Whether the majoration pour la vie autonome is paid this month.
    pub mva_paid: bool,
    pub prime: String,
    pub total: String,
    /// Compared with the same month without change; `None` for that series itself.
    pub difference: Option<String>,
    pub aah_reasons: Vec<String>,
    pub prime_reasons: Vec<String>,
}

/// The situation without change, or one scenario, simulated.
pub struct Series {
    pub key: String,
    /// 0 for the situation without change, then the scenario's number: the chart's line style.
    pub style: usize,
    pub title: String,
    pub summary: String,
    pub notes: Vec<String>,
    pub rows: Vec<Row>,
    pub total: String,
    pub comparison: Option<String>,
}

pub struct Tick {
    pub pos: i64,
    pub label: String,
    /// Under a month's label, at the first month and each January.
    pub year: Option<String>,
}

pub struct Line {
    pub style: usize,
    pub points: String,
    pub dots: Vec<(i64, i64)>,
}

/// The chart of the total income per series, drawn on the server as SVG.
pub struct Chart {
    pub width: i64,
    pub height: i64,
    pub left: i64,
    pub right: i64,
    pub bottom: i64,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    pub lines: Vec<Line>,
    pub description: String,
}

/// The results of a simulation, ready to show.
pub struct Results {
    pub period: String,
    /// The day of the simulation, for the printed copy.
    pub made_on: String,
    pub assumptions: Vec<(String, String)>,
    pub series: Vec<Series>,
    pub chart: Chart,
    /// The comparison table, the chart's text alternative: month, then the total of each series.
    pub months: Vec<(String, Vec<String>)>,
}

fn signed(c: Cents) -> String {
    if c > Cents::ZERO {
        format!("+{c}")
    } else if c < Cents::ZERO {
        format!("−{}", Cents(-c.0))
    } else {
        c.to_string()
    }
}

fn pay_label(pay: Pay) -> String {
    match pay {
        Pay::Net(net) => format!("{net} net par mois"),
        Pay::SmicHours(h) => format!("{} par semaine au SMIC", Hours(h)),
    }
}

fn current_label(current: Option<Activity>) -> String {
    match current {
        None => "sans activité".into(),
        Some(a) => {
            let what = match a.kind {
                EarningKind::Esat => "travail en ESAT",
                EarningKind::Ordinary => "emploi en milieu ordinaire",
            };
            format!("{what}, {}", pay_label(a.pay))
        }
    }
}

fn change_label(c: &Change) -> String {
    let what = match (c.activity.kind, c.keeps_current) {
        (EarningKind::Esat, _) => "Travail en ESAT à la place de l'activité actuelle",
        (EarningKind::Ordinary, false) => "Emploi en milieu ordinaire à la place de l'activité actuelle",
        (EarningKind::Ordinary, true) => "Emploi en milieu ordinaire en plus de l'activité actuelle (double activité)",
    };
    format!(
        "{what}, {}, à partir de {}",
        pay_label(c.activity.pay),
        month_name(c.start)
    )
}

/// Runs the plan: the situation without change, then each scenario. A domain error is recorded on the form.
fn run(form: &mut SimulatorForm, plan: &Plan, today: time::Date) -> Option<Results> {
    let mut simulated: Vec<(usize, Option<&Change>, Vec<MonthResult>)> = Vec::new();
    let series = std::iter::once((0, None)).chain(plan.scenarios.iter().map(|(n, c)| (*n, Some(c))));
    for (n, change) in series {
        let scenario = change.map(|_| n);
        let case = benefits::earnings(plan.current, change, &plan.months).and_then(|earnings| {
            benefits::simulate(&CaseInput {
                id: None,
                person: plan.person.clone(),
                household: plan.household.clone(),
                earnings,
                months: plan.months.clone(),
            })
        });
        match case {
            Ok(s) => simulated.push((n, change, s.results)),
            Err(e) => {
                let id = field_of(&e, scenario);
                form.fail(&id, e.message);
                return None;
            }
        }
    }
    let baseline: Vec<Cents> = simulated[0].2.iter().map(|r| r.total).collect();
    let baseline_total: Cents = baseline.iter().copied().sum();
    let count = plan.months.len();
    let series: Vec<Series> = simulated
        .iter()
        .map(|(n, change, results)| {
            let key = if *n == 0 { "actuel".to_owned() } else { format!("s{n}") };
            let total: Cents = results.iter().map(|r| r.total).sum();
            let rows = results
                .iter()
                .enumerate()
                .map(|(i, r)| Row {
                    id: format!("{key}-{}", r.month),
                    month: month_name(r.month),
                    earnings: r.earnings.to_string(),
                    aah: r.aah.to_string(),
                    mva: r.mva.to_string(),
                    mva_paid: r.mva > Cents::ZERO,
                    prime: r.prime_activite.to_string(),
                    total: r.total.to_string(),
                    difference: change.map(|_| signed(r.total - baseline[i])),
                    aah_reasons: r.explain.aah.reasons.clone(),
                    prime_reasons: r.explain.prime_activite.reasons.clone(),
                })
                .collect();
            let mut notes = Vec::new();
            if let Some(Change {
                activity: Activity {
                    pay: Pay::SmicHours(h), ..
                },
                start,
                ..
            }) = change
            {
                let first = plan.months.first().copied().unwrap_or(*start).max(*start);
                if let Ok(p) = smic_pay(*h, first) {
                    notes.push(format!("Salaire estimé : {}", p.explanation));
                }
            }
            let comparison = change.map(|_| {
                let d = total - baseline_total;
                let months = format!("Sur {count} mois");
                if d > Cents::ZERO {
                    format!("{months} : {d} de plus que sans changement.")
                } else if d < Cents::ZERO {
                    format!("{months} : {} de moins que sans changement.", Cents(-d.0))
                } else {
                    format!("{months} : autant que sans changement.")
                }
            });
            Series {
                title: if *n == 0 {
                    "Sans changement".to_owned()
                } else {
                    format!("Scénario {n}")
                },
                summary: match change {
                    None => format!(
                        "Activité actuelle : {}, sur toute la période",
                        current_label(plan.current)
                    ),
                    Some(c) => change_label(c),
                },
                key,
                style: *n,
                notes,
                rows,
                total: total.to_string(),
                comparison,
            }
        })
        .collect();
    let months = plan
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            (
                month_name(*m),
                simulated.iter().map(|(_, _, r)| r[i].total.to_string()).collect(),
            )
        })
        .collect();
    let chart = chart(&plan.months, &simulated, &series);
    let (first, last) = (plan.months[0], plan.months[count - 1]);
    Some(Results {
        period: format!("de {} à {}", month_name(first), month_name(last)),
        made_on: format!(
            "{} {} {}",
            match today.day() {
                1 => "1er".to_owned(),
                d => d.to_string(),
            },
            MONTH_NAMES[usize::from(today.month() as u8 - 1)],
            today.year()
        ),
        assumptions: assumptions(form, plan),
        series,
        chart,
        months,
    })
}

fn assumptions(form: &SimulatorForm, plan: &Plan) -> Vec<(String, String)> {
    let yes_no = |b: bool| if b { "oui" } else { "non" }.to_owned();
    let housing = match plan.household.housing {
        Housing::Tenant => "locataire",
        Housing::Owner => "propriétaire",
        Housing::Free => "logé gratuitement",
    };
    vec![
        ("Date de naissance".into(), plan.person.birth_date.clone()),
        ("Taux d'incapacité".into(), format!("{} %", form.incapacity.trimmed())),
        ("RSDAE reconnue".into(), yes_no(plan.person.rsdae)),
        ("En couple".into(), yes_no(plan.household.couple)),
        ("Enfants à charge".into(), plan.household.children.to_string()),
        ("Logement".into(), housing.into()),
        (
            "Aide au logement".into(),
            format!(
                "{} par mois",
                Cents::from_euros(plan.household.housing_benefit).unwrap_or_default()
            ),
        ),
        ("Activité actuelle".into(), current_label(plan.current)),
    ]
}

/// Euros without cents, for the chart's scale: `1 500 €`.
fn whole_euros(c: Cents) -> String {
    c.to_string().replace(",00 €", " €")
}

fn chart(months: &[Month], simulated: &[(usize, Option<&Change>, Vec<MonthResult>)], series: &[Series]) -> Chart {
    let (width, height) = (760, 340);
    let (left, right, top, bottom) = (80, width - 20, 20, height - 50);
    let max = simulated
        .iter()
        .flat_map(|(_, _, r)| r.iter().map(|m| m.total.0))
        .max()
        .unwrap_or(0);
    // A step of 50, 100, 200, 250, 500, 1 000 ... euros giving at most 6 intervals.
    let step = [5_000i64, 10_000, 20_000, 25_000, 50_000]
        .iter()
        .flat_map(|s| (0..6).map(move |p| s * 10i64.pow(p)))
        .filter(|s| max <= s * 6)
        .min()
        .unwrap_or(5_000);
    let scale_top = ((max + step - 1) / step).max(1) * step;
    let y = |cents: i64| bottom - (cents * (bottom - top)) / scale_top;
    let n = months.len() as i64;
    let x = |i: i64| {
        if n <= 1 {
            (left + right) / 2
        } else {
            left + i * (right - left) / (n - 1)
        }
    };
    let y_ticks = (0..=scale_top / step)
        .map(|k| Tick {
            pos: y(k * step),
            label: whole_euros(Cents(k * step)),
            year: None,
        })
        .collect();
    let every = ((n + 11) / 12).max(1);
    let x_ticks = months
        .iter()
        .enumerate()
        .filter(|(i, _)| (*i as i64) % every == 0)
        .map(|(i, m)| Tick {
            pos: x(i as i64),
            label: SHORT_MONTHS[usize::from(m.number() - 1)].to_owned(),
            year: (i == 0 || m.number() == 1).then(|| m.year().to_string()),
        })
        .collect();
    let lines = simulated
        .iter()
        .map(|(n, _, results)| {
            let dots: Vec<(i64, i64)> = results
                .iter()
                .enumerate()
                .map(|(i, r)| (x(i as i64), y(r.total.0)))
                .collect();
            Line {
                style: *n,
                points: dots
                    .iter()
                    .map(|(x, y)| format!("{x},{y}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                dots,
            }
        })
        .collect();
    let ranges: Vec<String> = simulated
        .iter()
        .zip(series)
        .map(|((_, _, r), s)| {
            let (lo, hi) = (
                r.iter().map(|m| m.total).min().unwrap_or_default(),
                r.iter().map(|m| m.total).max().unwrap_or_default(),
            );
            if lo == hi {
                format!("{} : {lo} chaque mois", s.title)
            } else {
                format!("{} : de {lo} à {hi}", s.title)
            }
        })
        .collect();
    Chart {
        width,
        height,
        left,
        right,
        bottom,
        y_ticks,
        x_ticks,
        lines,
        description: format!(
            "Courbes du revenu total mensuel, {} mois. {}. Les montants de chaque mois sont dans le tableau qui suit.",
            n,
            ranges.join(" ; ")
        ),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "simulator.html")]
struct SimulatorPage {
    nav: Nav,
    housing_options: &'static [(&'static str, &'static str)],
    current_options: &'static [(&'static str, &'static str)],
    scenario_options: &'static [(&'static str, &'static str)],
    form: SimulatorForm,
    errors: Vec<(String, String)>,
    results: Option<Results>,
}

/// `GET /simulateur`: the form alone, or with the results of the simulation it describes.
pub async fn page(visitor: Visitor, RawQuery(query): RawQuery) -> Response {
    let now = passerelle_store::infra::clock::now().date();
    let nav = visitor.nav("simulateur");
    let Some(today) = Month::new(now.year(), now.month() as u8) else {
        return super::error_page(
            &nav,
            crate::error::ApiError::bad_request("clock_invalid", "Horloge du serveur invalide."),
        );
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
    let (form, results) = if pairs.is_empty() {
        (SimulatorForm::defaults(today), None)
    } else {
        let mut form = SimulatorForm::from_pairs(&pairs);
        let results = plan(&mut form, today).and_then(|p| run(&mut form, &p, now));
        (form, results)
    };
    let errors = form.errors();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = SimulatorPage {
        nav,
        housing_options: &[
            ("tenant", "Locataire"),
            ("owner", "Propriétaire"),
            ("free", "Logé gratuitement"),
        ],
        current_options: &[
            ("esat", "Travail en ESAT"),
            ("ordinary", "Emploi en milieu ordinaire"),
            ("none", "Sans activité"),
        ],
        scenario_options: &[
            ("", "Pas de scénario"),
            ("ordinary", "Emploi en milieu ordinaire (quitte l'activité actuelle)"),
            ("double", "Emploi en milieu ordinaire en plus (double activité)"),
            ("esat", "Travail en ESAT (nouvelle rémunération)"),
        ],
        form,
        errors,
        results,
    };
    // `security::headers` adds `Cache-Control: no-store`: the figures describe one person.
    (status, page).into_response()
}
