//! The simulator's form: its fields as typed, read into the case to simulate with a French message under
//! each wrong field.

use passerelle_domain::benefits::{
    self, Activity, Cents, Change, EarningKind, HouseholdInput, Housing, Month, Pay, PersonInput,
};
use passerelle_domain::invalid::Invalid;

const MAX_SCENARIOS: usize = 3;
const DEFAULT_HORIZON: i32 = 12;
const MAX_HORIZON: i32 = 36;
/// The default scenario starts this many months after the first simulated month.
const DEFAULT_START_AFTER: i32 = 2;

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

    pub(super) fn trimmed(&self) -> &str {
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
    /// The last month of the new activity, empty when it goes on.
    pub end: Field,
}

#[derive(Debug, Clone)]
pub struct SimulatorForm {
    pub birth_date: Field,
    /// Percent, `80` for 80 %.
    pub incapacity: Field,
    pub rsdae: bool,
    pub couple: bool,
    pub children: Field,
    /// Dependent ascendants: they raise the cap of AAH + ESAT pay (D821-5).
    pub ascendants: Field,
    /// The partner's net earnings each month, for a couple.
    pub partner_earnings: Field,
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
    pub(super) fn defaults(today: Month) -> Self {
        let mut form = Self::from_pairs(&[]);
        form.incapacity.value = "80".into();
        form.children.value = "0".into();
        form.ascendants.value = "0".into();
        form.partner_earnings.value = "0".into();
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
    pub(super) fn from_pairs(pairs: &[(String, String)]) -> Self {
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
            ascendants: field("ascendants"),
            partner_earnings: field("partner_earnings"),
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
                    end: field(&format!("s{n}_end")),
                })
                .collect(),
            general: Vec::new(),
        }
    }

    /// The names of the form's fields, its boxes included: what a saved simulation may hold.
    pub(crate) fn names() -> Vec<String> {
        let mut form = Self::from_pairs(&[]);
        let mut names: Vec<String> = form.fields_mut().map(|f| f.id.clone()).collect();
        names.extend(["rsdae".to_owned(), "couple".to_owned()]);
        names
    }

    fn fields_mut(&mut self) -> impl Iterator<Item = &mut Field> {
        [
            &mut self.birth_date,
            &mut self.incapacity,
            &mut self.children,
            &mut self.ascendants,
            &mut self.partner_earnings,
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
                .flat_map(|s| [&mut s.kind, &mut s.hours, &mut s.pay, &mut s.start, &mut s.end]),
        )
    }

    /// Records an error on a field (its first error is kept), or on the form when no field has this id.
    pub(super) fn fail(&mut self, id: &str, message: impl Into<String>) {
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
pub(super) fn number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .trim_end_matches(['€', 'h', 'H', '%'])
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

pub(super) const AMOUNT_HELP: &str = "un montant en euros, par exemple 850 ou 850,50";

/// What the form asks to simulate, once each field has been read.
pub(super) struct Plan {
    pub(super) person: PersonInput,
    pub(super) household: HouseholdInput,
    pub(super) months: Vec<Month>,
    pub(super) current: Option<Activity>,
    pub(super) scenarios: Vec<(usize, Change)>,
}

pub(super) fn read_amount(form: &mut SimulatorForm, id: &str, text: &str, what: &str) -> Option<f64> {
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
pub(super) fn plan(form: &mut SimulatorForm, today: Month) -> Option<Plan> {
    // Typed in figures or sent by the date picker; the rules read the ISO form.
    let typed = form.birth_date.trimmed().to_owned();
    let birth_date = match passerelle_domain::french::parse_date(&typed) {
        Some(d) => d.to_string(),
        None if typed.is_empty() => {
            form.fail("birth_date", "Indiquez la date de naissance (JJ/MM/AAAA).");
            typed
        }
        None => {
            form.fail(
                "birth_date",
                format!("La date de naissance « {typed} » doit s'écrire JJ/MM/AAAA."),
            );
            typed
        }
    };
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
    let ascendants = match form.ascendants.trimmed() {
        "" => 0,
        text => text.parse::<u32>().unwrap_or_else(|_| {
            form.fail(
                "ascendants",
                "Indiquez le nombre d'ascendants à charge, 0 s'il n'y en a pas.",
            );
            0
        }),
    };
    let partner_earnings = match form.partner_earnings.value.trim().to_owned() {
        text if text.is_empty() => 0.0,
        text => read_amount(form, "partner_earnings", &text, "Les revenus du conjoint").unwrap_or(0.0),
    };
    if partner_earnings > 0.0 && !form.couple {
        form.fail(
            "partner_earnings",
            "Les revenus du conjoint ne comptent que pour une personne en couple : cochez « En couple » ou indiquez 0.",
        );
    }
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
        let end = match s.end.trimmed() {
            "" => None,
            text => match text.parse::<Month>() {
                Ok(end) if start.is_some_and(|start| end < start) => {
                    form.fail(
                        &id("end"),
                        "Le dernier mois de l'emploi ne peut pas précéder le mois où il commence.",
                    );
                    None
                }
                Ok(end) => Some(end),
                Err(()) => {
                    form.fail(&id("end"), format!("Le dernier mois « {text} » doit s'écrire AAAA-MM."));
                    None
                }
            },
        };
        if let (Some(pay), Some(start)) = (pay, start) {
            scenarios.push((
                s.n,
                Change {
                    activity: Activity { kind, pay },
                    start,
                    end,
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
            ascendants,
            partner_earnings,
            housing,
            housing_benefit,
        },
        months,
        current,
        scenarios,
    })
}

/// The form field a domain error is about.
pub(super) fn field_of(invalid: &Invalid, scenario: Option<usize>) -> String {
    let field = invalid.field.as_deref().unwrap_or("");
    let on_scenario = |what: &str| scenario.map_or(String::new(), |n| format!("s{n}_{what}"));
    match field {
        "person.birth_date" => "birth_date".into(),
        "person.incapacity_rate" => "incapacity".into(),
        "household.children" => "children".into(),
        "household.ascendants" => "ascendants".into(),
        "household.partner_earnings" => "partner_earnings".into(),
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
