//! The IAE pages: offers, prescriptions and their referral sheets (both sides), notifications, the
//! prescription form, and a person's approval with its timeline and what may come next.

use super::error_page;
use super::session::{Nav, Visitor};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::pathways::iae::agrement::{Decision, RequestKind};
use passerelle_domain::pathways::iae::approval::Period;
use passerelle_domain::pathways::iae::contract::{Assignment, Cddi, ClientKind};
use passerelle_domain::pathways::iae::exit::{ActionInput, ActionKind, ExitOutcome};
use passerelle_domain::pathways::iae::offer::OfferInput;
use passerelle_domain::pathways::iae::prolongation::{DenyReason, ProlongationReason};
use passerelle_domain::pathways::iae::referral::{Motive, Side, StepInput};
use passerelle_domain::pathways::iae::suspension::SuspensionReason;
use passerelle_domain::pathways::iae::{Criterion, Regime, SiaeKind};
use passerelle_store::Membership;
use passerelle_store::contracts::Employment;
use passerelle_store::directory::{Organisation, OrganisationFilter};
use passerelle_store::follow_up::{FollowUp, NewExitReview};
use passerelle_store::iae_pathway::{ApprovalView, ProlongationDecision};
use passerelle_store::notifications::Notification;
use passerelle_store::offers::{Offer, OfferFilter};
use passerelle_store::persons::Person;
use passerelle_store::prescriptions::{Direction, NewPrescription, Prescription};
use serde::Deserialize;
use time::Date;
use time::macros::format_description;
use uuid::Uuid;

pub(super) fn csrf_refused(visitor: &Visitor, submitted: &str, section: &'static str) -> Option<Response> {
    (!visitor.csrf_ok(submitted)).then(|| {
        error_page(
            &visitor.nav(section),
            ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf_invalid",
                "Formulaire expiré : rechargez la page et recommencez.",
            ),
        )
    })
}

/// An identifier in the address; a malformed one is a page not found.
pub(super) fn parse_id(nav: &Nav, id: &str, what: &str) -> Result<Uuid, Box<Response>> {
    Uuid::parse_str(id).map_err(|_| Box::new(error_page(nav, ApiError::not_found(what))))
}

/// A date typed in a form (`AAAA-MM-JJ`); empty is `None`.
pub(super) fn form_date(field: &'static str, value: &str) -> Result<Option<Date>, ApiError> {
    match value.trim() {
        "" => Ok(None),
        d => Date::parse(d, format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|_| {
                ApiError::bad_request(
                    "date_invalid",
                    format!("La date « {d} » ({field}) doit être au format AAAA-MM-JJ."),
                )
            }),
    }
}

fn siae_memberships(visitor: &Visitor) -> Vec<Membership> {
    visitor
        .ctx
        .memberships()
        .iter()
        .filter(|m| m.kind.is_siae())
        .cloned()
        .collect()
}

// ---- Offers ----

#[derive(Template, WebTemplate)]
#[template(path = "offers.html")]
struct OffersPage {
    nav: Nav,
    department: String,
    offers: Vec<Offer>,
    own: Vec<Offer>,
    siae: Vec<Membership>,
    form: OfferForm,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct OffersQuery {
    department: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct OfferForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    siae_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    rome_code: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    weekly_hours: String,
    #[serde(default)]
    positions: String,
    #[serde(default)]
    prerequisites: String,
}

async fn offers_page(
    state: &AppState,
    visitor: &Visitor,
    department: String,
    form: OfferForm,
    error: Option<String>,
) -> Response {
    let nav = visitor.nav("offres");
    let siae = siae_memberships(visitor);
    let filter = OfferFilter {
        department: Some(department.clone()).filter(|d| !d.is_empty()),
        ..Default::default()
    };
    let result = async {
        let offers = state.store.offers(&visitor.ctx, &filter).await?;
        let mut own = Vec::new();
        for m in &siae {
            let mine = OfferFilter {
                siae_id: Some(m.organisation_id),
                include_closed: true,
                ..Default::default()
            };
            own.extend(state.store.offers(&visitor.ctx, &mine).await?);
        }
        Ok::<_, passerelle_store::StoreError>((offers, own))
    };
    match result.await {
        Ok((offers, own)) => {
            let status = if error.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let page = OffersPage {
                nav,
                department,
                offers,
                own,
                siae,
                form,
                error,
            };
            (status, page).into_response()
        }
        Err(e) => error_page(&nav, e.into()),
    }
}

pub async fn offers(State(state): State<AppState>, visitor: Visitor, Query(q): Query<OffersQuery>) -> Response {
    offers_page(
        &state,
        &visitor,
        q.department.unwrap_or_default(),
        OfferForm::default(),
        None,
    )
    .await
}

pub async fn create_offer(State(state): State<AppState>, visitor: Visitor, Form(form): Form<OfferForm>) -> Response {
    if let Some(r) = csrf_refused(&visitor, &form.csrf, "offres") {
        return r;
    }
    let result = async {
        let number = |field: &'static str, v: &str| -> Result<Option<i64>, ApiError> {
            match v.trim() {
                "" => Ok(None),
                n => n.parse().map(Some).map_err(|_| {
                    ApiError::bad_request(
                        "number_invalid",
                        format!("« {n} » ({field}) doit être un nombre entier."),
                    )
                }),
            }
        };
        let siae_id = Uuid::parse_str(&form.siae_id)
            .map_err(|_| ApiError::bad_request("siae_invalid", "Choisissez la SIAE qui publie l'offre."))?;
        let fields = OfferInput {
            title: form.title.clone(),
            rome_code: Some(form.rome_code.clone()),
            place: form.place.clone(),
            weekly_hours: number("heures hebdomadaires", &form.weekly_hours)?,
            positions: number("nombre de postes", &form.positions)?.unwrap_or(0),
            prerequisites: Some(form.prerequisites.clone()),
            ..Default::default()
        }
        .validate(passerelle_store::today())?;
        Ok::<_, ApiError>(state.store.create_offer(&visitor.ctx, siae_id, fields, None).await?)
    };
    match result.await {
        Ok(_) => Redirect::to("/offres").into_response(),
        Err(e) if e.status.is_client_error() => {
            offers_page(&state, &visitor, String::new(), form, Some(e.message)).await
        }
        Err(e) => error_page(&visitor.nav("offres"), e),
    }
}

pub async fn export_offers(State(state): State<AppState>, visitor: Visitor, Query(q): Query<OffersQuery>) -> Response {
    let filter = OfferFilter {
        department: q.department.filter(|d| !d.is_empty()),
        ..Default::default()
    };
    match state.store.offers(&visitor.ctx, &filter).await {
        Ok(offers) => crate::respond::offers_csv(&offers),
        Err(e) => error_page(&visitor.nav("offres"), e.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn toggle_offer(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(r) = csrf_refused(&visitor, &form.csrf, "offres") {
        return r;
    }
    let nav = visitor.nav("offres");
    let id = match parse_id(&nav, &id, "Offre") {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let open = match action.as_str() {
        "ouvrir" => true,
        "fermer" => false,
        _ => return error_page(&nav, ApiError::not_found("Page")),
    };
    match state.store.set_offer_open(&visitor.ctx, id, open).await {
        Ok(_) => Redirect::to("/offres").into_response(),
        Err(e) => error_page(&nav, e.into()),
    }
}

// ---- Prescriptions and referral sheets ----

#[derive(Template, WebTemplate)]
#[template(path = "prescriptions.html")]
struct PrescriptionsPage {
    nav: Nav,
    received: Vec<Prescription>,
    sent: Vec<Prescription>,
}

pub async fn prescriptions(State(state): State<AppState>, visitor: Visitor) -> Response {
    let nav = visitor.nav("candidatures");
    let store = &state.store;
    let lists = async {
        let received = store.prescriptions(&visitor.ctx, Direction::Received, None).await?;
        let sent = store.prescriptions(&visitor.ctx, Direction::Sent, None).await?;
        Ok::<_, passerelle_store::StoreError>((received, sent))
    };
    match lists.await {
        // The SIAE's own diagnoses appear once, among the received ones.
        Ok((received, sent)) => PrescriptionsPage {
            nav,
            sent: sent.into_iter().filter(|p| p.prescriber_id != p.siae_id).collect(),
            received,
        }
        .into_response(),
        Err(e) => error_page(&nav, e.into()),
    }
}

/// A step the viewer may add, for the form.
struct NextStep {
    code: &'static str,
    label: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "prescription.html")]
struct PrescriptionPage {
    nav: Nav,
    p: Prescription,
    side_label: &'static str,
    next: Vec<NextStep>,
    motives: Vec<Motive>,
    error: Option<String>,
}

fn viewer_side(visitor: &Visitor, p: &Prescription) -> Option<Side> {
    match (
        visitor.ctx.membership(p.siae_id).is_some(),
        visitor.ctx.membership(p.prescriber_id).is_some(),
    ) {
        (true, _) => Some(Side::Siae),
        (false, true) => Some(Side::Prescriber),
        _ => None,
    }
}

fn sheet_page(visitor: &Visitor, p: Prescription, error: Option<String>) -> Response {
    let side = viewer_side(visitor, &p);
    let both = visitor.ctx.membership(p.siae_id).is_some() && visitor.ctx.membership(p.prescriber_id).is_some();
    let next = p
        .status
        .next()
        .iter()
        .filter(|s| both || Some(s.side()) == side)
        .map(|s| NextStep {
            code: s.code(),
            label: s.label(),
        })
        .collect();
    let motives = Motive::ALL
        .iter()
        .copied()
        .filter(|m| both || side.is_some_and(|s| m.allowed_for(s)))
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = PrescriptionPage {
        nav: visitor.nav("candidatures"),
        p,
        side_label: match side {
            Some(Side::Siae) => "la SIAE",
            Some(Side::Prescriber) => "le prescripteur",
            None => "",
        },
        next,
        motives,
        error,
    };
    (status, page).into_response()
}

pub async fn prescription(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> Response {
    let nav = visitor.nav("candidatures");
    let id = match parse_id(&nav, &id, "Prescription") {
        Ok(id) => id,
        Err(r) => return *r,
    };
    match state.store.prescription(&visitor.ctx, id).await {
        Ok(p) => sheet_page(&visitor, p, None),
        Err(e) => error_page(&nav, e.into()),
    }
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    motive: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    date: String,
}

pub async fn add_step(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> Response {
    if let Some(r) = csrf_refused(&visitor, &form.csrf, "candidatures") {
        return r;
    }
    let nav = visitor.nav("candidatures");
    let id = match parse_id(&nav, &id, "Prescription") {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let result = async {
        let input = StepInput {
            status: form.status.clone(),
            motive: Some(form.motive.clone()),
            comment: Some(form.comment.clone()),
            date: form_date("date", &form.date)?,
        };
        Ok::<_, ApiError>(state.store.add_referral_step(&visitor.ctx, id, &input, None).await?)
    };
    match result.await {
        Ok(_) => Redirect::to(&format!("/prescriptions/{id}")).into_response(),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            match state.store.prescription(&visitor.ctx, id).await {
                Ok(p) => sheet_page(&visitor, p, Some(e.message)),
                Err(e) => error_page(&nav, e.into()),
            }
        }
        Err(e) => error_page(&nav, e),
    }
}

// ---- Notifications ----

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    nav: Nav,
    items: Vec<Notification>,
}

pub async fn notifications(State(state): State<AppState>, visitor: Visitor) -> Response {
    let nav = visitor.nav("notifications");
    match state.store.notifications(&visitor.ctx).await {
        Ok(items) => NotificationsPage { nav, items }.into_response(),
        Err(e) => error_page(&nav, e.into()),
    }
}

pub async fn read_notifications(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(r) = csrf_refused(&visitor, &form.csrf, "notifications") {
        return r;
    }
    match state.store.mark_notifications_read(&visitor.ctx).await {
        Ok(_) => Redirect::to("/notifications").into_response(),
        Err(e) => error_page(&visitor.nav("notifications"), e.into()),
    }
}

pub async fn skills_document(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> Response {
    let nav = visitor.nav("personnes");
    let id = match parse_id(&nav, &id, "Personne") {
        Ok(id) => id,
        Err(r) => return *r,
    };
    match crate::api::follow_up::skills_pdf(&state.store, &visitor.ctx, id).await {
        Ok(pdf) => pdf,
        Err(e) => error_page(&nav, e.into()),
    }
}

// ---- Prescribing (diagnosis and prescription in one form) ----

#[derive(Template, WebTemplate)]
#[template(path = "prescribe.html")]
struct PrescribePage {
    nav: Nav,
    person: Person,
    prescribers: Vec<Membership>,
    siae: Vec<Organisation>,
    offers: Vec<Offer>,
    criteria: &'static [Criterion],
    chosen: Vec<String>,
    message: String,
    error: Option<String>,
}

async fn prescribe_page(
    state: &AppState,
    visitor: &Visitor,
    person_id: Uuid,
    chosen: Vec<String>,
    message: String,
    error: Option<String>,
) -> Response {
    let nav = visitor.nav("personnes");
    let data = async {
        let person = state.store.persons(&visitor.ctx).get(person_id).await?;
        let mut siae = Vec::new();
        for kind in passerelle_domain::directory::OrganisationKind::ALL
            .iter()
            .filter(|k| k.is_siae())
        {
            let filter = OrganisationFilter {
                kind: Some(*kind),
                page: 1,
                per_page: 200,
                ..Default::default()
            };
            siae.extend(state.store.list_organisations(&visitor.ctx, &filter).await?.items);
        }
        let offers = state.store.offers(&visitor.ctx, &OfferFilter::default()).await?;
        Ok::<_, passerelle_store::StoreError>((person, siae, offers))
    };
    match data.await {
        Ok((person, siae, offers)) => {
            let status = if error.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let page = PrescribePage {
                nav,
                person,
                prescribers: visitor
                    .ctx
                    .memberships()
                    .iter()
                    .filter(|m| m.kind.holds_names().is_ok())
                    .cloned()
                    .collect(),
                siae,
                offers,
                criteria: Criterion::ALL,
                chosen,
                message,
                error,
            };
            (status, page).into_response()
        }
        Err(e) => error_page(&nav, e.into()),
    }
}

pub async fn prescribe_form(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> Response {
    match parse_id(&visitor.nav("personnes"), &id, "Personne") {
        Ok(id) => prescribe_page(&state, &visitor, id, Vec::new(), String::new(), None).await,
        Err(r) => *r,
    }
}

/// The form posts repeated `criteria` fields, which a plain struct cannot hold.
pub async fn prescribe(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let nav = visitor.nav("personnes");
    let person_id = match parse_id(&nav, &id, "Personne") {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if let Some(r) = csrf_refused(&visitor, &field("csrf"), "personnes") {
        return r;
    }
    let chosen: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "criteria")
        .map(|(_, v)| v.clone())
        .collect();
    let result = async {
        let uuid = |name: &str, what: &str| {
            Uuid::parse_str(&field(name))
                .map_err(|_| ApiError::bad_request("field_required", format!("Choisissez {what}.")))
        };
        let prescriber_id = uuid("prescriber_id", "la structure qui prescrit")?;
        let siae_id = uuid("siae_id", "la SIAE")?;
        let offer_id = Uuid::parse_str(&field("offer_id")).ok();
        let criteria = chosen
            .iter()
            .map(|c| serde_json::from_value::<Criterion>(c.as_str().into()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ApiError::bad_request("criterion_unknown", "Critère d'éligibilité inconnu."))?;
        let new = NewPrescription {
            prescriber_id,
            person_id,
            siae_id,
            offer_id,
            diagnosis_id: None,
            message: field("message"),
            person_consent: field("person_consent") == "on",
            waiting_period_waived: field("waiting_period_waived") == "on",
        };
        // One transaction: a prescription refused leaves no diagnosis behind.
        Ok::<_, ApiError>(state.store.diagnose_and_prescribe(&visitor.ctx, new, criteria).await?)
    };
    match result.await {
        Ok(p) => Redirect::to(&format!("/prescriptions/{}", p.id)).into_response(),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            prescribe_page(&state, &visitor, person_id, chosen, field("message"), Some(e.message)).await
        }
        Err(e) => error_page(&nav, e),
    }
}

// ---- Approval ----

#[derive(Template, WebTemplate)]
#[template(path = "approval.html")]
struct ApprovalPage {
    nav: Nav,
    a: ApprovalView,
    employment: Employment,
    follow: FollowUp,
    /// The visitor's organisations following the person, for the accompaniment forms.
    followers: Vec<Membership>,
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

async fn approval_page(state: &AppState, visitor: &Visitor, person_id: Uuid, error: Option<String>) -> Response {
    let nav = visitor.nav("personnes");
    let data = async {
        let a = state.store.approval(&visitor.ctx, person_id).await?;
        let employment = state.store.employment(&visitor.ctx, person_id).await?;
        let follow = state.store.follow_up(&visitor.ctx, person_id).await?;
        let person = state.store.persons(&visitor.ctx).get(person_id).await?;
        Ok::<_, passerelle_store::StoreError>((a, employment, follow, person))
    };
    match data.await {
        Ok((a, employment, follow, person)) => {
            let status = if error.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let membership = visitor.ctx.membership(a.employer_id);
            let followers: Vec<Membership> = visitor
                .ctx
                .memberships()
                .iter()
                .filter(|m| person.followers.iter().any(|f| f.organisation_id == m.organisation_id))
                .cloned()
                .collect();
            let page = ApprovalPage {
                nav,
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
                today: passerelle_store::clock::now().date(),
                a,
                suspension_reasons: SUSPENSION_REASONS,
                prolongation_reasons: ProlongationReason::ALL,
                deny_reasons: DenyReason::ALL,
                error,
            };
            (status, page).into_response()
        }
        Err(e) => error_page(&nav, e.into()),
    }
}

pub async fn approval(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> Response {
    match parse_id(&visitor.nav("personnes"), &id, "Personne") {
        Ok(id) => approval_page(&state, &visitor, id, None).await,
        Err(r) => *r,
    }
}

#[derive(Deserialize)]
pub struct ApprovalForm {
    #[serde(default)]
    csrf: String,
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
    registered: Option<String>,
    employed: Option<String>,
}

/// Suspension, prolongation request or decision, posted from the approval page.
pub async fn approval_action(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ApprovalForm>,
) -> Response {
    if let Some(r) = csrf_refused(&visitor, &form.csrf, "personnes") {
        return r;
    }
    let nav = visitor.nav("personnes");
    let person_id = match parse_id(&nav, &id, "Personne") {
        Ok(id) => id,
        Err(r) => return *r,
    };
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
                    }
                    _ => {
                        let period = Period {
                            from,
                            to: required_date("fin", &form.to)?,
                        };
                        store
                            .create_waiver(ctx, person_id, siae_id, period, &form.reference, None)
                            .await?;
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
                } else {
                    let since = required_date("depuis", &form.from)?;
                    store
                        .record_registration(ctx, person_id, org, form.registered.is_some(), since, None)
                        .await?;
                }
            }
            "entretien" => {
                store
                    .hold_interview(ctx, person_id, required_date("date", &form.from)?, &form.notes, None)
                    .await?;
            }
            "sortie" => {
                let outcome = ExitOutcome::parse(&form.outcome)
                    .ok_or_else(|| ApiError::bad_request("outcome_unknown", "Choisissez la situation à la sortie."))?;
                let exit_on = required_date("sortie", &form.from)?;
                if exit_on > passerelle_store::clock::now().date() {
                    return Err(ApiError::bad_request(
                        "exit_in_future",
                        "La date de sortie est passée ou du jour.",
                    ));
                }
                let review = NewExitReview {
                    exit_on,
                    outcome,
                    skills: &form.skills,
                    recommendations: Some(form.comment.as_str()),
                };
                store.record_exit(ctx, person_id, review, None).await?;
            }
            "agrement-demande" => {
                let kind = RequestKind::parse(&form.kind).ok_or_else(|| {
                    ApiError::bad_request("agrement_kind_unknown", "Choisissez le type de demande d'agrément.")
                })?;
                let date = required_date("date de réception", &form.from)?;
                store.request_agrement(ctx, person_id, date, kind, None).await?;
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
                store
                    .decide_agrement(ctx, person_id, date, decision, motive, None)
                    .await?;
            }
            "suivi" => {
                let review = Uuid::parse_str(&form.review_id).map_err(|_| ApiError::not_found("Bilan"))?;
                store
                    .record_exit_follow_up(ctx, review, form.registered.is_some(), form.employed.is_some(), None)
                    .await?;
            }
            request => {
                let request_id = Uuid::parse_str(request).map_err(|_| ApiError::not_found("Demande"))?;
                let decision = if form.decision == "accept" {
                    ProlongationDecision::Accept
                } else {
                    ProlongationDecision::Refuse {
                        motive: &form.motive,
                        comment: Some(&form.comment),
                        proposed_action: &form.proposed_action,
                    }
                };
                store.decide_prolongation(ctx, request_id, decision, None).await?;
            }
        }
        Ok::<_, ApiError>(())
    };
    match result.await {
        Ok(()) => Redirect::to(&format!("/personnes/{person_id}/parcours-iae")).into_response(),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            approval_page(&state, &visitor, person_id, Some(e.message)).await
        }
        Err(e) => error_page(&nav, e),
    }
}
