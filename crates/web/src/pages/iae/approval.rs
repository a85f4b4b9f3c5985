//! A person's IAE approval (PASS IAE or agrément): its timeline, what may come next, and the forms of the
//! employer, the agency and the followers (suspension, prolongation, contracts, accompaniment, exit).

use super::before_hiring;
use crate::error::ApiError;
use crate::pages::kit::{Crumbs, CsrfForm, Notice, PageResult, filters, form_date, parse_id};
use crate::pages::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::pathways::iae::agrement::{Decision, Outcome, RequestKind};
use passerelle_domain::pathways::iae::approval::Period;
use passerelle_domain::pathways::iae::contract::{Assignment, Cddi, ClientKind};
use passerelle_domain::pathways::iae::exit::{ActionInput, ActionKind, ExitOutcome};
use passerelle_domain::pathways::iae::interview::{Attendance, ScheduleInput};
use passerelle_domain::pathways::iae::prolongation::{DenyReason, ProlongationReason};
use passerelle_domain::pathways::iae::suspension::SuspensionReason;
use passerelle_domain::pathways::iae::{Regime, SiaeKind};
use passerelle_store::Membership;
use passerelle_store::pathways::iae::contract::Employment;
use passerelle_store::pathways::iae::exit::{FollowUp, HeldInterview, NewExitReview};
use passerelle_store::pathways::iae::pathway::{
    AgrementAsk, AgrementRequestView, ApprovalStage, ApprovalView, ProlongationDecision,
};
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

/// The skills document of the person's exit review.
pub async fn skills_document(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id, "Personne")?;
    Ok(crate::attachment::attachment(
        passerelle_app::pathways::iae::skills_document(&state.store, &visitor.ctx, &passerelle_app::SystemClock, id)
            .await?,
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "approval.html")]
struct ApprovalPage {
    nav: Nav,
    a: ApprovalView,
    employment: Employment,
    follow: FollowUp,
    /// The visitor's organisations following the person, for the accompaniment forms.
    followers: Vec<Membership>,
    /// The visitor's organisation that may schedule the tripartite interview: the employer, else an SPE
    /// organisation following the person.
    interview_organiser: Option<Uuid>,
    action_kinds: &'static [ActionKind],
    outcomes: &'static [ExitOutcome],
    today: Date,
    is_employer: bool,
    /// The employer's kind decides its contract form: CDDI (ACI, EI) or assignments (AI, ETTI).
    employer_kind: Option<SiaeKind>,
    suspension_reasons: [(&'static str, &'static str); 5],
    prolongation_reasons: [ProlongationReason; 5],
    deny_reasons: [DenyReason; 4],
    /// A record before 2021-12-01: the employer asks Pôle emploi's agrément, the agency records the decision.
    agrement: bool,
    agrement_kinds: [RequestKind; 5],
    /// The visitor belongs to the France Travail agency following the person, which records the decisions.
    is_agency: bool,
    error: Option<String>,
    /// The form that came back refused, as typed, and the action it posted to; empty on a plain visit.
    posted: ApprovalForm,
    posted_action: String,
    /// What every other form shows: nothing typed.
    blank: ApprovalForm,
}

impl ApprovalPage {
    /// The values of the form posting to `action`: what was typed if it came back refused, else nothing.
    fn typed(&self, action: &str) -> &ApprovalForm {
        if self.posted_action == action {
            &self.posted
        } else {
            &self.blank
        }
    }

    /// The values of the 6-month follow-up form of `review`: one form per exit review, told apart by its id.
    fn typed_follow_up(&self, review: &Uuid) -> &ApprovalForm {
        if self.posted_action == "suivi" && Uuid::parse_str(self.posted.review_id.trim()).ok().as_ref() == Some(review)
        {
            &self.posted
        } else {
            &self.blank
        }
    }

    /// The refused requests an appeal may still contest: refused, not an appeal, not yet appealed.
    fn refusals(&self) -> Vec<&AgrementRequestView> {
        let requests = &self.a.agrement_requests;
        requests
            .iter()
            .filter(|r| r.outcome == Outcome::Refused && r.appeal_of.is_none())
            .filter(|r| !requests.iter().any(|a| a.appeal_of == Some(r.id)))
            .collect()
    }

    /// The tripartite interview form: to schedule it, or to move the one scheduled.
    fn interview_action(&self) -> &'static str {
        if self.follow.scheduled_interview.is_some() {
            "entretien-deplace"
        } else {
            "entretien-prevu"
        }
    }

    /// The id of the refused form, for the error summary's link. The follow-up forms are one per exit review.
    fn anchor(&self) -> String {
        match self.posted_action.as_str() {
            "suivi" => format!("formulaire-suivi-{}", self.posted.review_id.trim()),
            action => format!("formulaire-{action}"),
        }
    }
}

/// A post the rules refused: its status, its message, and the form as typed.
struct Refused {
    status: StatusCode,
    message: String,
    action: String,
    form: ApprovalForm,
}

/// The SIAE of the person's last hiring, for the employer's forms.
async fn approval_employer(
    store: &passerelle_store::Store,
    ctx: &passerelle_store::AccessContext,
    person_id: Uuid,
) -> Result<Uuid, ApiError> {
    Ok(store.approval(ctx, person_id).await?.employer_id)
}

const SUSPENSION_REASONS: [(&str, &str); 5] = [
    ("contract_suspended", "contrat suspendu plus de 15 jours"),
    ("contract_broken", "contrat rompu"),
    ("contract_ended", "fin du contrat"),
    ("cta_agreement", "accord entre les membres du CTA"),
    ("contrat_passerelle", "passage en contrat passerelle (EI et ACI)"),
];

/// The approval page, or, before a hiring opened the approval, what the pathway waits for (never a 404).
async fn approval_page(state: &AppState, visitor: &Visitor, person_id: Uuid, refused: Option<Refused>) -> PageResult {
    let status = refused.as_ref().map_or(StatusCode::OK, |r| r.status);
    let (error, posted_action, posted) = match refused {
        Some(r) => (Some(r.message), r.action, r.form),
        None => (None, String::new(), ApprovalForm::default()),
    };
    let a = match state.store.approval_stage(&visitor.ctx, person_id).await? {
        ApprovalStage::Open(a) => *a,
        ApprovalStage::Waiting { person, hired } => {
            let page = before_hiring::waiting_page(state, visitor, *person, hired, error).await?;
            return Ok((status, page).into_response());
        }
    };
    let employment = state.store.employment(&visitor.ctx, person_id).await?;
    let follow = state.store.follow_up(&visitor.ctx, person_id).await?;
    let person = state.store.persons(&visitor.ctx).get(person_id).await?;
    let membership = visitor.ctx.membership(a.employer_id);
    let followers: Vec<Membership> = visitor
        .ctx
        .memberships()
        .iter()
        .filter(|m| person.followers.iter().any(|f| f.organisation_id == m.organisation_id))
        .cloned()
        .collect();
    let interview_organiser = membership
        .map(|m| m.organisation_id)
        .or_else(|| followers.iter().find(|m| m.kind.is_spe()).map(|m| m.organisation_id));
    let page = ApprovalPage {
        interview_organiser,
        nav: visitor
            .nav("personnes")
            .trail(Crumbs::person(person.id, &person.first_name, &person.last_name).here("Parcours IAE")),
        is_employer: membership.is_some(),
        employer_kind: membership.and_then(|m| SiaeKind::of(m.kind)),
        employment,
        follow,
        is_agency: followers
            .iter()
            .any(|m| m.kind == OrganisationKind::FranceTravailAgency),
        followers,
        agrement: a.regime == Regime::Agrement,
        agrement_kinds: RequestKind::ALL,
        action_kinds: ActionKind::ALL,
        outcomes: ExitOutcome::ALL,
        today: passerelle_store::infra::clock::now().date(),
        a,
        suspension_reasons: SUSPENSION_REASONS,
        prolongation_reasons: ProlongationReason::ALL,
        deny_reasons: DenyReason::ALL,
        error,
        posted,
        posted_action,
        blank: ApprovalForm::default(),
    };
    Ok((status, page).into_response())
}

pub async fn approval(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id, "Personne")?;
    approval_page(&state, &visitor, id, None).await
}

#[derive(Deserialize, Default)]
pub struct ApprovalForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    motive: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    proposed_action: String,
    #[serde(default)]
    weekly_hours: String,
    hours_derogation: Option<String>,
    #[serde(default)]
    client_name: String,
    #[serde(default)]
    client_kind: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    skills: String,
    #[serde(default)]
    review_id: String,
    /// The agrément request a decision answers (empty: the one awaiting an answer on the decision's date), or
    /// the refused request an appeal contests.
    #[serde(default)]
    request_id: String,
    /// The day of the joint bilan a renewal follows.
    #[serde(default)]
    joint_bilan: String,
    registered: Option<String>,
    employed: Option<String>,
    /// The tripartite interview: its start time, place or remote, the one scheduled, who attended.
    #[serde(default)]
    start_time: String,
    #[serde(default)]
    place: String,
    remote: Option<String>,
    #[serde(default)]
    interview_id: String,
    person_present: Option<String>,
    siae_present: Option<String>,
    referent_present: Option<String>,
    /// The ticked box of a form that ends something (an exit, a prolongation decision).
    confirm: Option<String>,
}

impl ApprovalForm {
    /// Whether the posted motive is `code`, to select it again.
    fn reason_is(&self, code: &str) -> bool {
        self.reason == code
    }

    /// Whether the agrément decision named the request `id`, to select it again.
    fn names_request(&self, id: &Uuid) -> bool {
        Uuid::parse_str(self.request_id.trim()).ok().as_ref() == Some(id)
    }
}

/// A form that ends something is recorded only with its box ticked: one click must not close a pathway.
fn confirmed(form: &ApprovalForm, what: &str) -> Result<(), ApiError> {
    if form.confirm.is_some() {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "confirmation_required",
        format!("Cochez la case de confirmation pour {what} : cette décision ne pourra pas être annulée."),
    )
    .on("confirm"))
}

/// The scheduled tripartite interview a form moves or cancels.
fn scheduled(form: &ApprovalForm) -> Result<Uuid, ApiError> {
    Uuid::parse_str(form.interview_id.trim()).map_err(|_| ApiError::not_found("Entretien tripartite"))
}

/// Suspension, prolongation request or decision, posted from the approval page.
pub async fn approval_action(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ApprovalForm>,
) -> PageResult {
    let person_id = parse_id(&id, "Personne")?;
    let store = &state.store;
    let ctx = &visitor.ctx;
    let required_date = |field: &'static str, v: &str| {
        form_date(field, v)?
            .ok_or_else(|| ApiError::bad_request("date_required", format!("Indiquez la date ({field}).")))
    };
    let reason = |v: &str| serde_json::Value::String(v.to_owned());
    let result = async {
        match action.as_str() {
            "suspension" => {
                let r: SuspensionReason = serde_json::from_value(reason(&form.reason))
                    .map_err(|_| ApiError::bad_request("reason_unknown", "Choisissez un motif de suspension."))?;
                let (from, to) = (required_date("début", &form.from)?, required_date("fin", &form.to)?);
                store.suspend_approval(ctx, person_id, from, to, r, None).await?;
                Ok::<_, ApiError>(Notice::SuspensionRecorded)
            }
            "prolongation" => {
                let r: ProlongationReason = serde_json::from_value(reason(&form.reason))
                    .map_err(|_| ApiError::bad_request("reason_unknown", "Choisissez un motif de prolongation."))?;
                store
                    .request_prolongation(
                        ctx,
                        person_id,
                        r,
                        required_date("fin", &form.to)?,
                        &form.justification,
                        None,
                    )
                    .await?;
                Ok(Notice::ProlongationRequested)
            }
            "contrat" | "mise-a-disposition" | "derogation" => {
                let siae_id = approval_employer(store, ctx, person_id).await?;
                let from = required_date("début", &form.from)?;
                let number = |field: &'static str, v: &str| {
                    v.trim().parse::<i64>().map_err(|_| {
                        ApiError::bad_request("number_invalid", format!("Indiquez un nombre entier ({field})."))
                    })
                };
                match action.as_str() {
                    "contrat" => {
                        let c = Cddi {
                            period: Period {
                                from,
                                to: required_date("fin", &form.to)?,
                            },
                            weekly_hours: number("heures par semaine", &form.weekly_hours)?,
                            hours_derogation: form.hours_derogation.is_some(),
                            exception: None,
                        };
                        store.create_contract(ctx, person_id, siae_id, c, None).await?;
                        Ok(Notice::ContractRecorded)
                    }
                    "mise-a-disposition" => {
                        let client: ClientKind = serde_json::from_value(reason(&form.client_kind)).map_err(|_| {
                            ApiError::bad_request("client_kind_unknown", "Choisissez le type de client.")
                        })?;
                        let a = Assignment {
                            date: from,
                            hours: number("heures", &form.hours)?,
                            client,
                        };
                        store
                            .create_assignment(ctx, person_id, siae_id, &form.client_name, a, None)
                            .await?;
                        Ok(Notice::AssignmentRecorded)
                    }
                    _ => {
                        let period = Period {
                            from,
                            to: required_date("fin", &form.to)?,
                        };
                        store
                            .request_waiver(ctx, person_id, siae_id, period, &form.reference, None)
                            .await?;
                        Ok(Notice::WaiverRequested)
                    }
                }
            }
            "action" | "inscription" => {
                let org = Uuid::parse_str(&form.organisation_id)
                    .map_err(|_| ApiError::bad_request("field_required", "Choisissez votre structure."))?;
                if action == "action" {
                    let a = ActionInput {
                        kind: form.kind.clone(),
                        title: form.title.clone(),
                        starts_on: form_date("début", &form.from)?,
                        ends_on: form_date("fin", &form.to)?,
                        hours: form.hours.trim().parse().ok(),
                    }
                    .validate(passerelle_store::today())?;
                    store.add_action(ctx, person_id, org, a, None).await?;
                    Ok(Notice::AccompanimentActionAdded)
                } else {
                    let since = required_date("depuis", &form.from)?;
                    store
                        .record_registration(ctx, person_id, org, form.registered.is_some(), since, None)
                        .await?;
                    Ok(Notice::RegistrationRecorded)
                }
            }
            "entretien" => {
                let held = HeldInterview {
                    held_on: required_date("date", &form.from)?,
                    notes: &form.notes,
                    attendance: Some(Attendance {
                        person: form.person_present.is_some(),
                        siae: form.siae_present.is_some(),
                        referent: form.referent_present.is_some(),
                    }),
                };
                store.hold_interview(ctx, person_id, held, None).await?;
                Ok(Notice::InterviewRecorded)
            }
            "entretien-prevu" | "entretien-deplace" => {
                let input = ScheduleInput {
                    planned_on: form_date("date", &form.from)?,
                    start_time: form.start_time.clone(),
                    remote: form.remote.is_some(),
                    place: Some(form.place.clone()),
                };
                if action == "entretien-prevu" {
                    let org = Uuid::parse_str(&form.organisation_id)
                        .map_err(|_| ApiError::bad_request("field_required", "Choisissez votre structure."))?;
                    store.schedule_interview(ctx, person_id, org, &input, None).await?;
                    Ok(Notice::InterviewScheduled)
                } else {
                    store.reschedule_interview(ctx, scheduled(&form)?, &input).await?;
                    Ok(Notice::InterviewRescheduled)
                }
            }
            "entretien-annule" => {
                store.cancel_interview(ctx, scheduled(&form)?).await?;
                Ok(Notice::InterviewCancelled)
            }
            "sortie" => {
                confirmed(&form, "enregistrer la sortie")?;
                let outcome = ExitOutcome::parse(&form.outcome)
                    .ok_or_else(|| ApiError::bad_request("outcome_unknown", "Choisissez la situation à la sortie."))?;
                let exit_on = required_date("sortie", &form.from)?;
                let review = NewExitReview {
                    exit_on,
                    outcome,
                    skills: &form.skills,
                    recommendations: Some(form.comment.as_str()),
                };
                store.record_exit(ctx, person_id, review, None).await?;
                Ok(Notice::ExitRecorded)
            }
            "agrement-demande" => {
                let kind = RequestKind::parse(&form.kind).ok_or_else(|| {
                    ApiError::bad_request("agrement_kind_unknown", "Choisissez le type de demande d'agrément.")
                })?;
                let ask = AgrementAsk::Request {
                    date: required_date("date de réception", &form.from)?,
                    kind,
                    joint_bilan: form_date("date du bilan commun", &form.joint_bilan)?,
                };
                store.request_agrement(ctx, person_id, ask, None).await?;
                Ok(Notice::AgrementRequested)
            }
            "agrement-recours" => {
                let refusal = Uuid::parse_str(form.request_id.trim()).map_err(|_| {
                    ApiError::bad_request("refusal_unknown", "Choisissez le refus que le recours conteste.")
                })?;
                let ask = AgrementAsk::Appeal {
                    date: required_date("date du recours", &form.from)?,
                    refusal,
                    grounds: form.comment.clone(),
                };
                store.request_agrement(ctx, person_id, ask, None).await?;
                Ok(Notice::AgrementAppealed)
            }
            "agrement-decision" => {
                let decision = match form.decision.as_str() {
                    "granted" => Decision::Granted,
                    "refused" => Decision::Refused,
                    _ => {
                        return Err(ApiError::bad_request(
                            "agrement_decision_unknown",
                            "Choisissez la décision : agrément accordé ou refusé.",
                        ));
                    }
                };
                let date = required_date("date de la décision", &form.from)?;
                let motive = Some(form.motive.trim()).filter(|m| !m.is_empty());
                let request = match form.request_id.trim() {
                    "" => None,
                    id => Some(Uuid::parse_str(id).map_err(|_| ApiError::not_found("Demande d'agrément"))?),
                };
                store
                    .decide_agrement(ctx, person_id, request, date, decision, motive, None)
                    .await?;
                Ok(Notice::AgrementDecided)
            }
            "suivi" => {
                let review = Uuid::parse_str(&form.review_id).map_err(|_| ApiError::not_found("Bilan"))?;
                store
                    .record_exit_follow_up(ctx, review, form.registered.is_some(), form.employed.is_some(), None)
                    .await?;
                Ok(Notice::ExitFollowUpRecorded)
            }
            request => {
                let request_id = Uuid::parse_str(request).map_err(|_| ApiError::not_found("Demande"))?;
                confirmed(&form, "enregistrer la décision sur la prolongation")?;
                let (decision, notice) = if form.decision == "accept" {
                    (ProlongationDecision::Accept, Notice::ProlongationGranted)
                } else {
                    (
                        ProlongationDecision::Refuse {
                            motive: &form.motive,
                            comment: Some(&form.comment),
                            proposed_action: &form.proposed_action,
                        },
                        Notice::ProlongationRefused,
                    )
                };
                store.decide_prolongation(ctx, request_id, decision, None).await?;
                Ok(notice)
            }
        }
    };
    let result: Result<Notice, ApiError> = result.await;
    match result {
        Ok(notice) => Ok(notice.redirect(&state, &format!("/personnes/{person_id}/parcours-iae"))),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let refused = Refused {
                status: e.status,
                message: e.message,
                action,
                form,
            };
            approval_page(&state, &visitor, person_id, Some(refused)).await
        }
        Err(e) => Err(e.into()),
    }
}
