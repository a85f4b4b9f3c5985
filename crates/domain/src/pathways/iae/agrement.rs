//! Requests to Pôle emploi for an agrément, until 2021-11-30 (décret 99-106; circulaire DGEFP/DGAS
//! 2003-24): an answer within 5 working days of receipt (2 for ETTI), tacit acceptance otherwise, and a
//! refusal only with its motive (RULES.md 1.1); the SIAE's written appeal of a refusal to the agency's
//! director, and a renewal only after a joint bilan (seed 004, 2.2.3 and 2.2.7).

use super::SiaeKind;
use super::approval::{PASS_IAE_FROM, Period, Regime};
use crate::calendar::{Territory, french_date, nth_working_day_after};
use crate::explanation::Explanation;
use serde::{Deserialize, Serialize};
use time::Date;

const SOURCE: &str = "décret 99-106 ; circulaire DGEFP/DGAS 2003-24";
/// The regional agreement's own rules on refusals, appeals and renewals.
const APPEAL: &str = "accord-cadre régional IAE, 2.2.3";
const JOINT_STUDY: &str = "accord-cadre régional IAE, 2.2.7";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AgrementRequestKind))]
pub enum RequestKind {
    Initial,
    /// To another SIAE.
    Extension,
    Prolongation,
    Renewal,
    Suspension,
}

impl RequestKind {
    pub const ALL: [RequestKind; 5] = [
        Self::Initial,
        Self::Extension,
        Self::Prolongation,
        Self::Renewal,
        Self::Suspension,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Extension => "extension",
            Self::Prolongation => "prolongation",
            Self::Renewal => "renewal",
            Self::Suspension => "suspension",
        }
    }

    /// French name, for the forms.
    pub fn label(self) -> &'static str {
        match self {
            Self::Initial => "agrément initial",
            Self::Extension => "extension à une autre SIAE",
            Self::Prolongation => "prolongation",
            Self::Renewal => "renouvellement",
            Self::Suspension => "suspension",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AgrementDecision))]
pub enum Decision {
    Granted,
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AgrementOutcome))]
pub enum Outcome {
    Granted,
    Refused,
    /// No decision by the deadline: granted.
    Tacit,
    Pending,
}

/// A request received by Pôle emploi and the decision that answered it in time, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Position of the request among the pathway's events.
    pub event_index: usize,
    pub kind: RequestKind,
    pub date: Date,
    /// The last day of the answer, after which silence grants; none for an appeal, which the texts give no
    /// deadline and no tacit acceptance.
    pub deadline: Option<Date>,
    pub decision: Option<Decision>,
    /// The day of the decision.
    pub decided_on: Option<Date>,
    /// An appeal: the position of the refused request it contests.
    pub appeal_of: Option<usize>,
}

impl Request {
    pub fn outcome(&self, as_of: Date) -> Outcome {
        match self.decision {
            Some(Decision::Granted) => Outcome::Granted,
            Some(Decision::Refused) => Outcome::Refused,
            None if self.deadline.is_some_and(|d| as_of > d) => Outcome::Tacit,
            None => Outcome::Pending,
        }
    }

    /// Waiting for its answer on `date`: received, not decided, deadline not passed.
    fn open_on(&self, date: Date) -> bool {
        self.decision.is_none() && self.date <= date && self.deadline.is_none_or(|d| date <= d)
    }
}

/// The SIAE's written appeal of a refusal: which refused request (its position among the pathway's events;
/// the one refused request when absent) and the objective elements of the candidate's situation it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AgrementAppeal))]
pub struct Appeal {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<usize>,
    pub grounds: String,
}

/// The sentence of a request waiting for Pôle emploi, in its to-do list: no answer by the deadline is a
/// tacit agrément (décret 99-106).
pub fn awaiting_decision() -> String {
    Explanation::new(
        "agrement_decision",
        "Une demande d'agrément attend la décision de Pôle emploi ; sans réponse à cette date, l'agrément est \
         accordé tacitement",
        "décret 99-106",
    )
    .message
}

/// Only the France Travail (ex Pôle emploi) agency following the person decides an agrément (décret 99-106).
pub fn decider_required() -> Explanation {
    Explanation::new(
        "not_the_agency",
        "Seule l'agence France Travail (ex Pôle emploi) qui suit la personne décide de l'agrément",
        "décret 99-106",
    )
}

/// Working days Pôle emploi has to answer.
pub fn answer_days(kind: SiaeKind) -> u32 {
    if kind == SiaeKind::Etti { 2 } else { 5 }
}

/// `regime` is the current approval's, `None` before the first hiring.
fn abolished(date: Date, regime: Option<Regime>) -> Option<Explanation> {
    (regime == Some(Regime::PassIae) || date >= PASS_IAE_FROM).then(|| {
        Explanation::new(
            "agrement_abolished",
            format!(
                "L'agrément Pôle emploi n'existe plus depuis le {} : le PASS IAE l'a remplacé",
                french_date(PASS_IAE_FROM)
            ),
            "loi 2020-1577",
        )
    })
}

/// Records a request received on `date` among `requests`, those of the approval under `regime`, from an
/// SIAE of kind `siae` in `territory` (its department): the deadline is counted in the working days of that
/// department (Alsace-Moselle and overseas have more public holidays, RULES.md 7). A renewal needs the day of
/// the joint bilan the SIAE and Pôle emploi drew up before it (seed 004, 2.2.7: « Les SIAE et Pôle-emploi
/// établiront un bilan commun de la situation du salarié et des actions d'accompagnement et de formation
/// réalisées lors des demandes de renouvellement d'agrément »).
pub fn receive(
    requests: &mut Vec<Request>,
    regime: Option<Regime>,
    event_index: usize,
    (date, kind, joint_bilan): (Date, RequestKind, Option<Date>),
    siae: (SiaeKind, Territory),
) -> Result<Explanation, Explanation> {
    if let Some(refusal) = abolished(date, regime) {
        return Err(refusal);
    }
    if kind == RequestKind::Renewal && joint_bilan.is_none_or(|b| b > date) {
        return Err(Explanation::new(
            "renewal_without_joint_bilan",
            format!(
                "Demande de renouvellement refusée : la structure et Pôle emploi établissent d'abord un bilan commun de \
                 la situation du salarié et des actions d'accompagnement et de formation réalisées ; indiquez le jour \
                 de ce bilan, au plus tard le {}",
                french_date(date)
            ),
            JOINT_STUDY,
        ));
    }
    let days = answer_days(siae.0);
    // Dates are checked to lie in the calendar's years before reaching the rules.
    let deadline = nth_working_day_after(date, days, siae.1).unwrap_or(Date::MAX);
    requests.push(Request {
        event_index,
        kind,
        date,
        deadline: Some(deadline),
        decision: None,
        decided_on: None,
        appeal_of: None,
    });
    Ok(Explanation::new(
        "agrement_request_received",
        format!(
            "Demande reçue le {} : Pôle emploi doit répondre dans les {days} jours ouvrés, au plus tard le {} ; sans \
             réponse, l'agrément est accordé tacitement",
            french_date(date),
            french_date(deadline)
        ),
        SOURCE,
    ))
}

/// Records a decision dated `date` on the request of the event `request` (its position among the pathway's
/// events), which must be open that day (received on or before it, deadline not passed, no decision yet).
/// Without `request`, it answers the one request open that day; when several are, the decision is refused
/// as ambiguous: a refusal meant for a suspension must not land on the initial request.
pub fn decide(
    requests: &mut [Request],
    regime: Option<Regime>,
    date: Date,
    decision: Decision,
    motive: Option<&str>,
    request: Option<usize>,
) -> Result<Explanation, Explanation> {
    if let Some(refusal) = abolished(date, regime) {
        return Err(refusal);
    }
    if decision == Decision::Refused && motive.is_none_or(|m| m.trim().is_empty()) {
        return Err(Explanation::new(
            "refusal_without_motive",
            "Refus sans effet : un refus d'agrément doit être motivé par écrit",
            SOURCE,
        ));
    }
    let open = |r: &Request| r.open_on(date);
    let no_pending = || {
        Explanation::new(
            "no_pending_request",
            format!(
                "Décision sans effet : aucune demande n'attendait de réponse le {} (une demande sans réponse dans le \
                 délai est accordée tacitement)",
                french_date(date)
            ),
            SOURCE,
        )
    };
    let position = match request {
        Some(index) => {
            let Some(position) = requests.iter().position(|r| r.event_index == index) else {
                return Err(Explanation::new(
                    "agrement_request_unknown",
                    "Décision sans effet : la demande désignée n'est pas une demande d'agrément de ce parcours",
                    SOURCE,
                ));
            };
            let asked = &requests[position];
            if !open(asked) {
                return Err(Explanation::new(
                    "no_pending_request",
                    format!(
                        "Décision sans effet : la demande du {} n'attendait pas de réponse le {} (réponse attendue \
                         du {} au {}, sans décision antérieure ; sans réponse dans le délai, elle est accordée \
                         tacitement)",
                        french_date(asked.date),
                        french_date(date),
                        french_date(asked.date),
                        asked.deadline.map_or_else(|| "sa décision".to_owned(), french_date)
                    ),
                    SOURCE,
                ));
            }
            position
        }
        None => {
            let mut candidates = requests.iter().enumerate().filter(|(_, r)| open(r));
            let Some((position, _)) = candidates.next() else {
                return Err(no_pending());
            };
            if candidates.next().is_some() {
                let days: Vec<String> = requests
                    .iter()
                    .filter(|r| open(r))
                    .map(|r| format!("{} du {}", r.kind.label(), french_date(r.date)))
                    .collect();
                return Err(Explanation::new(
                    "agrement_request_ambiguous",
                    format!(
                        "Décision sans effet : le {}, plusieurs demandes attendent une réponse ({}) ; désignez celle \
                         que la décision tranche",
                        french_date(date),
                        days.join(", ")
                    ),
                    SOURCE,
                ));
            }
            position
        }
    };
    let request = &mut requests[position];
    request.decision = Some(decision);
    request.decided_on = Some(date);
    let sentence = match (decision, request.appeal_of) {
        (Decision::Granted, None) => "Agrément accordé",
        (Decision::Refused, None) => {
            "Agrément refusé, avec motif ; la structure peut former un recours écrit auprès du \
                              directeur de l'agence"
        }
        (Decision::Granted, Some(_)) => "Recours accepté par le directeur de l'agence : agrément accordé",
        (Decision::Refused, Some(_)) => {
            "Recours rejeté par le directeur de l'agence, avec motif : le refus est maintenu"
        }
    };
    Ok(Explanation::new(
        "agrement_decided",
        format!("{sentence} (demande du {})", french_date(request.date)),
        SOURCE,
    ))
}

/// Records the SIAE's written appeal of a refusal, received on `date` (seed 004, 2.2.3: « Un recours écrit
/// suite à un refus pourra être fait par la SIAE auprès du directeur de l'agence Pôle-emploi au vu d'éléments
/// objectifs tenant à la situation individuelle du candidat à l'agrément »). It contests a refused request of
/// the pathway, once, after its refusal, with its grounds; the director decides it like a request, by a
/// decision naming it. The texts give the director no deadline: an appeal is never granted by silence.
pub fn appeal(
    requests: &mut Vec<Request>,
    regime: Option<Regime>,
    event_index: usize,
    date: Date,
    appeal: &Appeal,
) -> Result<Explanation, Explanation> {
    if let Some(refusal) = abolished(date, regime) {
        return Err(refusal);
    }
    if appeal.grounds.trim().is_empty() {
        return Err(Explanation::new(
            "appeal_without_grounds",
            "Recours refusé : il s'appuie sur des éléments objectifs tenant à la situation de la personne ; \
             écrivez-les",
            APPEAL,
        ));
    }
    let appealed = |r: &Request| requests.iter().any(|a| a.appeal_of == Some(r.event_index));
    let contestable = |r: &&Request| {
        r.decision == Some(Decision::Refused) && r.appeal_of.is_none() && r.decided_on.is_some_and(|d| d <= date)
    };
    let refused = match appeal.refusal {
        Some(index) => requests.iter().find(|r| r.event_index == index).filter(contestable),
        None => {
            let mut open = requests.iter().filter(contestable).filter(|r| !appealed(r));
            match (open.next(), open.next()) {
                (Some(one), None) => Some(one),
                (Some(_), Some(_)) => {
                    return Err(Explanation::new(
                        "appeal_ambiguous",
                        "Recours sans effet : plusieurs refus peuvent être contestés ; désignez celui que le recours \
                         conteste",
                        APPEAL,
                    ));
                }
                (None, _) => None,
            }
        }
    };
    let Some(refused) = refused else {
        return Err(Explanation::new(
            "no_refusal_to_appeal",
            format!(
                "Recours sans effet : aucun refus d'agrément de ce parcours n'était prononcé le {} (un recours conteste \
                 un refus, après lui)",
                french_date(date)
            ),
            APPEAL,
        ));
    };
    if appealed(refused) {
        return Err(Explanation::new(
            "refusal_already_appealed",
            format!(
                "Recours sans effet : le refus de la demande du {} a déjà fait l'objet d'un recours",
                french_date(refused.date)
            ),
            APPEAL,
        ));
    }
    let (kind, of, refused_on) = (refused.kind, refused.event_index, refused.decided_on.unwrap_or(date));
    requests.push(Request {
        event_index,
        kind,
        date,
        deadline: None,
        decision: None,
        decided_on: None,
        appeal_of: Some(of),
    });
    Ok(Explanation::new(
        "agrement_appeal_received",
        format!(
            "Recours reçu le {} contre le refus du {} : le directeur de l'agence France Travail (ex Pôle emploi) le \
             tranche ; aucun délai ni accord tacite n'est prévu",
            french_date(date),
            french_date(refused_on)
        ),
        APPEAL,
    ))
}

/// Checks a renewal asked on `date` against the contracts (CDDI, first to last day) recorded for the person:
/// Pôle emploi grants a new agrément « sous réserve que les contrats liés à un agrément soient tous achevés »
/// (seed 004, 2.2.7), the contracts linked to the agrément being those starting on or after its first day,
/// `agrement_start`. Refused while one of them ends after `date`, naming it.
pub fn check_renewal_contracts(date: Date, agrement_start: Date, contracts: &[Period]) -> Result<(), Explanation> {
    let running = contracts
        .iter()
        .filter(|c| c.from >= agrement_start && c.to > date)
        .max_by_key(|c| c.to);
    match running {
        None => Ok(()),
        Some(contract) => Err(Explanation::new(
            "renewal_contracts_running",
            format!(
                "Demande de renouvellement refusée : le contrat du {} au {} n'est pas achevé le {} ; un nouvel agrément \
                 se demande une fois achevés tous les contrats liés à l'agrément",
                french_date(contract.from),
                french_date(contract.to),
                french_date(date)
            ),
            JOINT_STUDY,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    #[test]
    fn the_agency_decides_and_silence_grants() {
        // Décret 99-106: Pôle emploi decides; no answer by the deadline is a tacit agrément.
        assert_eq!(
            decider_required().message,
            "Seule l'agence France Travail (ex Pôle emploi) qui suit la personne décide de l'agrément (décret 99-106)."
        );
        assert!(awaiting_decision().ends_with("l'agrément est accordé tacitement (décret 99-106)."));
    }

    // The codes of the forms are those of the API (serde), and parse back.
    #[test]
    fn request_kind_codes_are_the_api_codes() {
        for k in RequestKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.code());
            assert_eq!(RequestKind::parse(&format!(" {} ", k.code())), Some(k));
        }
        assert_eq!(RequestKind::parse("initiale"), None);
    }

    // Circulaire 2003-24: 5 working days after receipt, 2 for ETTI; tacit acceptance after.
    #[rstest]
    #[case::aci_monday(date!(2019-03-04), SiaeKind::Aci, date!(2019-03-11))]
    #[case::etti_friday(date!(2019-03-08), SiaeKind::Etti, date!(2019-03-12))]
    #[case::over_easter(date!(2019-04-18), SiaeKind::Ei, date!(2019-04-26))] // Easter Monday 2019-04-22
    #[case::over_christmas(date!(2020-12-23), SiaeKind::Ai, date!(2020-12-31))]
    fn deadlines(#[case] received: Date, #[case] kind: SiaeKind, #[case] deadline: Date) {
        let mut requests = Vec::new();
        receive(
            &mut requests,
            Some(Regime::Agrement),
            1,
            (received, RequestKind::Prolongation, None),
            (kind, Territory::Mainland),
        )
        .unwrap();
        assert_eq!(requests[0].deadline, Some(deadline));
    }

    // Circulaire 2003-24 and « Accord régional de coopération Bourgogne-Franche-Comté (2016) », annexe 4,
    // 2.2.2: « 5 jours ouvrés » (2 for ETTI) are the working days where the SIAE is: Good Friday is a public
    // holiday in Moselle and Alsace (code local, L3134-13), 20 December in La Réunion (loi 83-550).
    #[rstest]
    #[case::moselle_good_friday(date!(2019-04-18), SiaeKind::Aci, Some("57"), date!(2019-04-29))]
    #[case::mainland_good_friday(date!(2019-04-18), SiaeKind::Aci, Some("21"), date!(2019-04-26))]
    #[case::bas_rhin_saint_stephen(date!(2019-12-24), SiaeKind::Etti, Some("67"), date!(2019-12-30))]
    #[case::mainland_saint_stephen(date!(2019-12-24), SiaeKind::Etti, None, date!(2019-12-27))]
    #[case::reunion_abolition_day(date!(2019-12-18), SiaeKind::Etti, Some("974"), date!(2019-12-23))]
    #[case::mainland_on_that_day(date!(2019-12-18), SiaeKind::Etti, Some("75"), date!(2019-12-20))]
    fn deadlines_by_department(
        #[case] received: Date,
        #[case] kind: SiaeKind,
        #[case] department: Option<&str>,
        #[case] deadline: Date,
    ) {
        let mut requests = Vec::new();
        let territory = Territory::of(department).unwrap();
        receive(
            &mut requests,
            Some(Regime::Agrement),
            1,
            (received, RequestKind::Initial, None),
            (kind, territory),
        )
        .unwrap();
        assert_eq!(requests[0].deadline, Some(deadline));
    }

    #[rstest]
    #[case::granted_in_time(Some((date!(2019-03-11), Decision::Granted, None)), date!(2019-04-01), Outcome::Granted, None)]
    #[case::refused_with_motive(Some((date!(2019-03-05), Decision::Refused, Some("incomplet"))), date!(2019-04-01), Outcome::Refused, None)]
    #[case::refused_without_motive(Some((date!(2019-03-05), Decision::Refused, Some(" "))), date!(2019-04-01), Outcome::Tacit, Some("refusal_without_motive"))]
    #[case::too_late(Some((date!(2019-03-12), Decision::Refused, Some("incomplet"))), date!(2019-04-01), Outcome::Tacit, Some("no_pending_request"))]
    #[case::before_the_request(Some((date!(2019-03-01), Decision::Granted, None)), date!(2019-04-01), Outcome::Tacit, Some("no_pending_request"))]
    #[case::pending(None, date!(2019-03-11), Outcome::Pending, None)]
    #[case::tacit(None, date!(2019-03-12), Outcome::Tacit, None)]
    fn outcomes(
        #[case] decision: Option<(Date, Decision, Option<&str>)>,
        #[case] as_of: Date,
        #[case] outcome: Outcome,
        #[case] refused: Option<&str>,
    ) {
        let mut requests = Vec::new();
        let regime = Some(Regime::Agrement);
        receive(
            &mut requests,
            regime,
            1,
            (date!(2019 - 03 - 04), RequestKind::Initial, None),
            (SiaeKind::Aci, Territory::Mainland),
        )
        .unwrap();
        if let Some((date, decision, motive)) = decision {
            let verdict = decide(&mut requests, regime, date, decision, motive, None);
            assert_eq!(verdict.err().map(|e| e.code), refused);
        }
        assert_eq!(requests[0].outcome(as_of), outcome);
    }

    // « Accord régional de coopération Bourgogne-Franche-Comté (2016) », annexe 4, 2.2.2 and 2.2.3: Pôle emploi
    // answers each written request (initial, extension, prolongation, renewal, suspension) and motivates a
    // refusal. An initial request (event 1) and a suspension request (event 2) wait together: a decision that
    // names no request is ambiguous (the oldest used to take it); naming the suspension refuses it alone.
    #[rstest]
    #[case::ambiguous(None, Err("agrement_request_ambiguous"), [Outcome::Tacit, Outcome::Tacit])]
    #[case::the_suspension(Some(2), Ok(()), [Outcome::Tacit, Outcome::Refused])]
    #[case::the_initial(Some(1), Ok(()), [Outcome::Refused, Outcome::Tacit])]
    #[case::not_a_request(Some(7), Err("agrement_request_unknown"), [Outcome::Tacit, Outcome::Tacit])]
    fn a_decision_names_its_request(
        #[case] request: Option<usize>,
        #[case] verdict: Result<(), &str>,
        #[case] outcomes: [Outcome; 2],
    ) {
        let mut requests = Vec::new();
        let regime = Some(Regime::Agrement);
        let siae = (SiaeKind::Aci, Territory::Mainland);
        receive(
            &mut requests,
            regime,
            1,
            (date!(2019 - 03 - 04), RequestKind::Initial, None),
            siae,
        )
        .unwrap();
        receive(
            &mut requests,
            regime,
            2,
            (date!(2019 - 03 - 05), RequestKind::Suspension, None),
            siae,
        )
        .unwrap();
        let decided = decide(
            &mut requests,
            regime,
            date!(2019 - 03 - 06),
            Decision::Refused,
            Some("Contrat non suspendu plus de 15 jours"),
            request,
        );
        assert_eq!(decided.map(|_| ()).map_err(|e| e.code), verdict);
        let as_of = date!(2019 - 04 - 01);
        assert_eq!([requests[0].outcome(as_of), requests[1].outcome(as_of)], outcomes);
        // A decided request takes no second decision.
        if let Some(index) = request.filter(|_| verdict.is_ok()) {
            let again = decide(
                &mut requests,
                regime,
                date!(2019 - 03 - 07),
                Decision::Granted,
                None,
                Some(index),
            );
            assert_eq!(again.unwrap_err().code, "no_pending_request");
        }
    }

    #[test]
    fn no_agrement_under_the_pass_iae() {
        let mut requests = Vec::new();
        let verdict = receive(
            &mut requests,
            Some(Regime::PassIae),
            1,
            (date!(2021 - 11 - 30), RequestKind::Initial, None),
            (SiaeKind::Aci, Territory::Mainland),
        );
        assert_eq!(verdict.unwrap_err().code, "agrement_abolished");
        let verdict = receive(
            &mut requests,
            None,
            1,
            (date!(2021 - 12 - 01), RequestKind::Initial, None),
            (SiaeKind::Aci, Territory::Mainland),
        );
        assert_eq!(verdict.unwrap_err().code, "agrement_abolished");
        let verdict = decide(
            &mut requests,
            Some(Regime::Agrement),
            date!(2021 - 12 - 02),
            Decision::Granted,
            None,
            None,
        );
        assert_eq!(verdict.unwrap_err().code, "agrement_abolished");
    }

    // Seed 004, 2.2.3: a motivated refusal may be appealed in writing to the agency's director, on objective
    // elements of the candidate's situation; the director decides it by a decision naming it, with no deadline
    // and no tacit acceptance. Request 1 is refused on 2019-03-05.
    #[rstest]
    #[case::before_the_refusal(date!(2019-03-04), None, "Situation familiale nouvelle", Err("no_refusal_to_appeal"))]
    #[case::without_grounds(date!(2019-03-06), None, " ", Err("appeal_without_grounds"))]
    #[case::the_refusal(date!(2019-03-06), None, "Situation familiale nouvelle", Ok(()))]
    #[case::named(date!(2019-03-06), Some(1), "Situation familiale nouvelle", Ok(()))]
    #[case::not_a_refusal(date!(2019-03-06), Some(9), "Situation familiale nouvelle", Err("no_refusal_to_appeal"))]
    fn a_refusal_can_be_appealed_once(
        #[case] date: Date,
        #[case] refusal: Option<usize>,
        #[case] grounds: &str,
        #[case] verdict: Result<(), &str>,
    ) {
        let mut requests = Vec::new();
        let regime = Some(Regime::Agrement);
        let siae = (SiaeKind::Aci, Territory::Mainland);
        receive(
            &mut requests,
            regime,
            1,
            (date!(2019 - 03 - 04), RequestKind::Initial, None),
            siae,
        )
        .unwrap();
        decide(
            &mut requests,
            regime,
            date!(2019 - 03 - 05),
            Decision::Refused,
            Some("Critères non remplis"),
            None,
        )
        .unwrap();
        let contested = Appeal {
            refusal,
            grounds: grounds.into(),
        };
        let received = appeal(&mut requests, regime, 3, date, &contested);
        assert_eq!(received.as_ref().map(|_| ()).map_err(|e| e.code), verdict);
        if verdict.is_err() {
            return;
        }
        assert!(received.unwrap().message.contains("aucun délai ni accord tacite"));
        // Months later, the appeal still waits: silence grants no appeal.
        assert_eq!(requests[1].outcome(date!(2019 - 09 - 01)), Outcome::Pending);
        assert_eq!(requests[1].appeal_of, Some(1));
        // A second appeal of the same refusal has no effect.
        let again = appeal(&mut requests, regime, 4, date!(2019 - 03 - 20), &contested);
        let code = if refusal.is_some() {
            "refusal_already_appealed"
        } else {
            "no_refusal_to_appeal"
        };
        assert_eq!(again.unwrap_err().code, code);
        // The director grants it months later, by a decision naming it.
        let granted = decide(
            &mut requests,
            regime,
            date!(2019 - 06 - 03),
            Decision::Granted,
            None,
            Some(3),
        )
        .unwrap();
        assert!(granted.message.starts_with("Recours accepté"), "{}", granted.message);
        assert_eq!(requests[1].outcome(date!(2019 - 09 - 01)), Outcome::Granted);
        assert_eq!(requests[0].outcome(date!(2019 - 09 - 01)), Outcome::Refused);
    }

    // Seed 004, 2.2.7: a renewal request comes after a joint bilan of the SIAE and Pôle emploi.
    #[rstest]
    #[case::without_bilan(None, Err("renewal_without_joint_bilan"))]
    #[case::bilan_after_the_request(Some(date!(2019-05-07)), Err("renewal_without_joint_bilan"))]
    #[case::bilan_before(Some(date!(2019-04-30)), Ok(()))]
    #[case::bilan_the_same_day(Some(date!(2019-05-06)), Ok(()))]
    fn a_renewal_follows_a_joint_bilan(#[case] joint_bilan: Option<Date>, #[case] verdict: Result<(), &str>) {
        let mut requests = Vec::new();
        let siae = (SiaeKind::Aci, Territory::Mainland);
        let received = receive(
            &mut requests,
            Some(Regime::Agrement),
            1,
            (date!(2019 - 05 - 06), RequestKind::Renewal, joint_bilan),
            siae,
        );
        assert_eq!(received.map(|_| ()).map_err(|e| e.code), verdict);
        assert_eq!(requests.len(), usize::from(verdict.is_ok()));
    }

    // Seed 004, 2.2.7: « Pôle emploi peut accorder un nouvel agrément ... sous réserve que les contrats liés à un
    // agrément soient tous achevés ». The agrément started on 2019-03-04; a renewal asked on 2021-01-04.
    #[rstest]
    #[case::no_contract(&[], Ok(()))]
    #[case::ended_the_day_before(&[(date!(2019-03-04), date!(2021-01-03))], Ok(()))]
    #[case::ends_that_day(&[(date!(2019-03-04), date!(2021-01-04))], Ok(()))]
    #[case::still_running(&[(date!(2019-03-04), date!(2019-09-03)), (date!(2020-09-04), date!(2021-03-03))], Err("renewal_contracts_running"))]
    #[case::before_the_agrement(&[(date!(2017-01-02), date!(2021-06-30))], Ok(()))]
    fn a_renewal_waits_for_every_contract_to_end(
        #[case] contracts: &[(Date, Date)],
        #[case] verdict: Result<(), &str>,
    ) {
        let contracts: Vec<Period> = contracts.iter().map(|&(from, to)| Period { from, to }).collect();
        let checked = check_renewal_contracts(date!(2021 - 01 - 04), date!(2019 - 03 - 04), &contracts);
        assert_eq!(checked.map_err(|e| e.code), verdict);
    }

    #[test]
    fn a_running_contract_is_named() {
        let contract = Period {
            from: date!(2020 - 09 - 04),
            to: date!(2021 - 03 - 03),
        };
        let e = check_renewal_contracts(date!(2021 - 01 - 04), date!(2019 - 03 - 04), &[contract]).unwrap_err();
        assert_eq!(
            e.message,
            "Demande de renouvellement refusée : le contrat du 4 septembre 2020 au 3 mars 2021 n'est pas achevé le 4 \
             janvier 2021 ; un nouvel agrément se demande une fois achevés tous les contrats liés à l'agrément \
             (accord-cadre régional IAE, 2.2.7)."
        );
    }
}
