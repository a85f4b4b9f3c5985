//! One simulation: the AAH and prime d'activité of each month asked, with their explanations.

use super::aah;
use super::explain::{AahExplanation, PpaExplanation};
use super::input::CaseInput;
use super::money::Cents;
use super::month::Month;
use super::parameters::NoRuleBefore;
use super::prime_activite;
use super::situation::Situation;
use crate::invalid::Invalid;
use serde::{Deserialize, Serialize};

/// What `passerelle benefits simulate` and `POST /api/v1/benefits/simulate` read.
#[derive(Debug, Clone)]
pub enum Request {
    One(Box<CaseInput>),
    Batch(Vec<CaseInput>),
}

/// What they answer: `{"results": [...]}` for one case, `{"cases": [{"id", "results"}]}` for a batch.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Response {
    One(Simulation),
    Batch { cases: Vec<CaseResult> },
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub id: Option<String>,
    #[serde(flatten)]
    pub simulation: Simulation,
}

#[derive(Debug, Clone, Serialize)]
pub struct Simulation {
    pub results: Vec<MonthResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthResult {
    pub month: Month,
    /// Net earnings of the month, all kinds.
    pub earnings: Cents,
    pub aah: Cents,
    /// Majoration pour la vie autonome.
    pub mva: Cents,
    pub prime_activite: Cents,
    /// Earnings + AAH + majoration pour la vie autonome + prime d'activité.
    pub total: Cents,
    pub explain: Explanation,
}

#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub aah: AahExplanation,
    pub prime_activite: PpaExplanation,
}

/// Parses the JSON of the contract: one case, or `{"cases": [...]}`.
pub fn parse_request(json: &str) -> Result<Request, Invalid> {
    parse_value(serde_json::from_str(json).map_err(json_error)?)
}

/// The same from JSON already parsed (the HTTP API reads the body itself, to tell malformed JSON apart).
pub fn parse_value(value: serde_json::Value) -> Result<Request, Invalid> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Batch {
        cases: Vec<CaseInput>,
    }
    if value.get("cases").is_some() {
        let batch: Batch = serde_json::from_value(value).map_err(json_error)?;
        Ok(Request::Batch(batch.cases))
    } else {
        Ok(Request::One(Box::new(
            serde_json::from_value(value).map_err(json_error)?,
        )))
    }
}

fn json_error(e: serde_json::Error) -> Invalid {
    Invalid::new("json_invalid", format!("L'entrée n'est pas au format attendu : {e}."))
}

/// Answers a request; a batch fails on its first invalid case, named in the error's field.
pub fn answer(request: &Request) -> Result<Response, Invalid> {
    match request {
        Request::One(case) => Ok(Response::One(simulate(case)?)),
        Request::Batch(cases) => cases
            .iter()
            .enumerate()
            .map(|(i, case)| {
                let simulation = simulate(case).map_err(|e| {
                    let field = e
                        .field
                        .as_deref()
                        .map_or(format!("cases[{i}]"), |f| format!("cases[{i}].{f}"));
                    e.on(field)
                })?;
                Ok(CaseResult {
                    id: case.id.clone(),
                    simulation,
                })
            })
            .collect::<Result<_, _>>()
            .map(|cases| Response::Batch { cases }),
    }
}

/// Simulates one case, month by month.
pub fn simulate(case: &CaseInput) -> Result<Simulation, Invalid> {
    let situation = Situation::from_input(case)?;
    run(&situation).map_err(|e| e.invalid().on("months"))
}

pub(super) fn run(s: &Situation) -> Result<Simulation, NoRuleBefore> {
    let (Some(first), Some(last)) = (s.months.iter().min(), s.months.iter().max()) else {
        return Ok(Simulation { results: Vec::new() });
    };
    // The AAH of every month from the first reference quarter on, once: the prime reads three of them.
    let start = first.offset(-3);
    let mut aah = Vec::new();
    let mut month = start;
    while month <= *last {
        aah.push(aah::assess(s, month)?);
        month = month.offset(1);
    }
    // Every month read below lies in start..=last, where `aah` has an entry.
    let aah_of = |m: Month| &aah[m.months_since(start) as usize];
    let mut results = Vec::with_capacity(s.months.len());
    for &m in &s.months {
        let prime = prime_activite::assess(s, m, m.previous_quarter().map(|q| (aah_of(q).amount, aah_of(q).mva)))?;
        let aah = aah_of(m).clone();
        let earnings = s.earnings(m).net();
        results.push(MonthResult {
            month: m,
            earnings,
            aah: aah.amount,
            mva: aah.mva,
            prime_activite: prime.amount,
            total: earnings + aah.amount + aah.mva + prime.amount,
            explain: Explanation {
                aah: aah.explanation,
                prime_activite: prime.explanation,
            },
        });
    }
    Ok(Simulation { results })
}
