//! Supported-employment pages: the counsellors' dashboard `/emploi-accompagne`, a person's
//! supported employment with its forms, the skills record with its PDF and personal links, and the
//! person's own page `/carnet/{token}`, reached without an account.

use super::kit::{Crumbs, CsrfForm, Notice, PageResult, filters, form_date, parse_id};
use super::session::{Nav, Visitor};
use crate::error::ApiError;
use crate::inputs::shared_record;
use crate::respond::skills_record_pdf;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use passerelle_domain::calendar::french_date;
use passerelle_domain::pathways::supported::caseload::REFERENCE;
use passerelle_domain::pathways::supported::{
    ActivityInput, ContractKind, EmployerInput, EntryInput, ExitInput, ExitReason, JobInput, Module,
};
use passerelle_store::Membership;
use passerelle_store::pathways::skills_record::{RecordLink, SkillsRecord};
use passerelle_store::pathways::supported::{Accompanied, NewEntry, SchemeDashboard, SupportedRecord};
use passerelle_store::person::Person;
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

const SECTION: &str = "emploi-accompagne";

fn today() -> Date {
    passerelle_store::infra::clock::now().date()
}

/// A value a template hands over directly or through one or two references.
pub(crate) trait Plain<T> {
    fn plain(&self) -> T;
}

macro_rules! plain {
    ($($t:ty),*) => {$(
        impl Plain<$t> for $t { fn plain(&self) -> $t { *self } }
        impl Plain<$t> for &$t { fn plain(&self) -> $t { **self } }
        impl Plain<$t> for &&$t { fn plain(&self) -> $t { ***self } }
    )*};
}
plain!(Date, i64);

/// Dates as French text, for the templates.
pub(crate) fn fr(d: impl Plain<Date>) -> String {
    french_date(d.plain())
}

/// Minutes as hours and minutes: 150 -> "2 h 30".
pub(crate) fn duration(minutes: impl Plain<i64>) -> String {
    let minutes = minutes.plain();
    format!("{} h {:02}", minutes / 60, minutes % 60)
}

/// Hundredths or tenths as a French decimal: (155, 10) -> "15,5".
pub(crate) fn decimal(value: impl Plain<i64>, per: i64) -> String {
    let value = value.plain();
    let (whole, rest) = (value / per, value % per);
    if rest == 0 {
        whole.to_string()
    } else if per == 10 {
        format!("{whole},{rest}")
    } else {
        format!("{whole},{:0>2}", rest).trim_end_matches('0').to_owned()
    }
}

/// One bar of the caseload chart: a counsellor's people against the reference band for their time.
struct Bar {
    name: String,
    people: i64,
    y: i64,
    width: i64,
    band_x: i64,
    band_width: i64,
    status: &'static str,
}

/// The caseload chart drawn on the server: 20 px per person, the 15-20 band (scaled to working time) shaded.
struct Chart {
    width: i64,
    height: i64,
    bars: Vec<Bar>,
}

const PX_PER_PERSON: i64 = 20;
const LABEL_WIDTH: i64 = 160;

fn chart(board: &SchemeDashboard) -> Chart {
    let max = board
        .counsellors
        .iter()
        .map(|c| c.people)
        .chain([REFERENCE.1 + 5])
        .max()
        .unwrap_or(25);
    let bars = board
        .counsellors
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let fte = c.fte_hundredths.unwrap_or(100);
            Bar {
                name: c.name.clone(),
                people: c.people,
                y: 10 + 34 * i as i64,
                width: c.people * PX_PER_PERSON,
                band_x: LABEL_WIDTH + REFERENCE.0 * fte * PX_PER_PERSON / 100,
                band_width: (REFERENCE.1 - REFERENCE.0) * fte * PX_PER_PERSON / 100,
                status: c.status.code(),
            }
        })
        .collect::<Vec<_>>();
    Chart {
        width: LABEL_WIDTH + max * PX_PER_PERSON + 40,
        height: 20 + 34 * bars.len() as i64,
        bars,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "supported_dashboard.html")]
pub struct DashboardPage {
    nav: Nav,
    on: String,
    schemes: Vec<(SchemeDashboard, Chart)>,
    modules: &'static [Module],
    /// The people followed, each with a link to their supported-employment page.
    accompanied: Vec<Accompanied>,
}

pub async fn dashboard(State(state): State<AppState>, visitor: Visitor) -> PageResult<DashboardPage> {
    let boards = state.store.supported_dashboard(&visitor.ctx, today()).await?;
    Ok(DashboardPage {
        nav: visitor.nav(SECTION),
        on: french_date(today()),
        schemes: boards
            .into_iter()
            .map(|b| {
                let c = chart(&b);
                (b, c)
            })
            .collect(),
        modules: Module::ALL,
        accompanied: state.store.supported_caseload(&visitor.ctx, today()).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "supported_person.html")]
struct PersonPage {
    nav: Nav,
    person: Person,
    record: SupportedRecord,
    /// The caller's schemes, to record an entry.
    schemes: Vec<Membership>,
    modules: &'static [Module],
    contracts: &'static [ContractKind],
    exit_reasons: &'static [ExitReason],
    error: Option<String>,
    /// The form that came back refused (its action) and what was typed in it.
    posted_action: String,
    posted: SupportedForm,
    blank: SupportedForm,
}

impl PersonPage {
    /// The values of the form posting to `action` for `entry`: what was typed if it came back refused, else
    /// nothing (the entry form has no entry yet).
    fn typed(&self, entry: Option<&Uuid>, action: &str) -> &SupportedForm {
        let same_entry = entry.is_none_or(|e| self.posted.entry_id.trim() == e.to_string());
        if self.posted_action == action && same_entry {
            &self.posted
        } else {
            &self.blank
        }
    }
}

/// A post refused with a message: the action and the form as typed, to show them again.
struct Refused {
    message: String,
    action: String,
    form: SupportedForm,
}

async fn person_page(state: &AppState, visitor: &Visitor, person_id: Uuid, refused: Option<Refused>) -> PageResult {
    let person = state.store.persons(&visitor.ctx).get(person_id).await?;
    let record = state.store.supported(&visitor.ctx, person_id).await?;
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (error, posted_action, posted) = match refused {
        Some(r) => (Some(r.message), r.action, r.form),
        None => (None, String::new(), SupportedForm::default()),
    };
    let schemes = visitor
        .ctx
        .memberships()
        .iter()
        .filter(|m| m.kind == passerelle_domain::directory::OrganisationKind::SupportedEmployment)
        .cloned()
        .collect();
    let page = PersonPage {
        nav: visitor
            .nav(SECTION)
            .trail(Crumbs::person(person.id, &person.first_name, &person.last_name).here("Emploi accompagné")),
        person,
        record,
        schemes,
        modules: Module::ALL,
        contracts: ContractKind::ALL,
        exit_reasons: ExitReason::ALL,
        error,
        posted_action,
        posted,
        blank: SupportedForm::default(),
    };
    Ok((status, page).into_response())
}

pub async fn person(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id, "Personne")?;
    person_page(&state, &visitor, id, None).await
}

/// Every field of the supported-employment forms; each form sends its own.
#[derive(Deserialize, Default)]
pub struct SupportedForm {
    #[serde(default)]
    scheme_id: String,
    #[serde(default)]
    entry_id: String,
    #[serde(default)]
    route: String,
    #[serde(default)]
    prescriber_id: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    valid_until: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    module: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    employer: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    contract: String,
    #[serde(default)]
    weekly_hours: String,
    /// The box ticked to confirm an exit.
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    reason: String,
}

fn id_field(value: &str, field: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(value.trim())
        .map_err(|_| ApiError::bad_request("field_required", format!("Choisissez {what}.")).on(field))
}

fn non_empty(v: &str) -> Option<String> {
    Some(v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn number(v: &str) -> Option<i64> {
    v.trim().parse().ok()
}

/// Entry, convention, activity, job or exit, posted from the person's page.
pub async fn act(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<SupportedForm>,
) -> PageResult {
    let person_id = parse_id(&id, "Personne")?;
    let (store, ctx) = (&state.store, &visitor.ctx);
    let result = async {
        if action == "entree" {
            let new = NewEntry {
                scheme_id: id_field(&f.scheme_id, "scheme_id", "le dispositif")?,
                counsellor_user_id: None,
                prescriber_id: Uuid::parse_str(f.prescriber_id.trim()).ok(),
                input: EntryInput {
                    route: f.route.clone(),
                    entered_on: form_date("entrée", &f.date)?,
                    decided_on: form_date("décision", &f.decided_on)?,
                    valid_until: form_date("validité", &f.valid_until)?,
                    prescriber: None,
                    prescribed_on: form_date("prescription", &f.decided_on)?,
                },
            };
            store.enter_supported(ctx, person_id, new, None).await?;
            return Ok(Notice::SupportedEntered);
        }
        let entry = id_field(&f.entry_id, "entry_id", "l'entrée")?;
        let notice = match action.as_str() {
            "convention" => {
                let signed = form_date("signature", &f.date)?
                    .ok_or_else(|| ApiError::bad_request("date_required", "Indiquez la date de signature."))?;
                store
                    .sign_supported_convention(ctx, entry, signed, non_empty(&f.employer).as_deref(), None)
                    .await?;
                Notice::SupportedConventionSigned
            }
            "employeur" => {
                let input = EmployerInput {
                    employer: f.employer.clone(),
                    joined_on: form_date("date", &f.date)?,
                };
                store.add_supported_convention_employer(ctx, entry, &input).await?;
                Notice::SupportedEmployerAdded
            }
            "activite" => {
                let input = ActivityInput {
                    module: f.module.clone(),
                    done_on: form_date("date", &f.date)?,
                    minutes: number(&f.minutes),
                    note: non_empty(&f.note),
                    employer: non_empty(&f.employer),
                };
                store.add_supported_activity(ctx, entry, &input, None).await?;
                Notice::SupportedActivityAdded
            }
            "emploi" => {
                let input = JobInput {
                    employer: f.employer.clone(),
                    siret: None,
                    position: f.position.clone(),
                    contract: f.contract.clone(),
                    starts_on: form_date("début", &f.date)?,
                    ends_on: form_date("fin", &f.end)?,
                    weekly_hours: number(&f.weekly_hours),
                };
                store.add_supported_job(ctx, entry, &input, None).await?;
                Notice::SupportedJobAdded
            }
            "sortie" => {
                let input = ExitInput {
                    exited_on: form_date("sortie", &f.date)?,
                    reason: f.reason.clone(),
                };
                if f.confirm != "oui" {
                    return Err(ApiError::bad_request(
                        "confirmation_required",
                        "Cochez la case pour confirmer la sortie : elle met fin à l'accompagnement.",
                    )
                    .on("confirm"));
                }
                store.exit_supported(ctx, entry, &input, None).await?;
                Notice::SupportedExited
            }
            _ => return Err(ApiError::not_found("Action")),
        };
        Ok::<_, ApiError>(notice)
    };
    match result.await {
        Ok(notice) => Ok(notice.redirect(&state, &format!("/personnes/{person_id}/emploi-accompagne"))),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let refused = Refused {
                message: e.message,
                action,
                form: f,
            };
            person_page(&state, &visitor, person_id, Some(refused)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "skills_record.html")]
pub struct RecordPage {
    nav: Nav,
    record: SkillsRecord,
    links: Vec<RecordLink>,
    /// The caller's organisations following the person, to make a link in their name.
    organisations: Vec<(Uuid, String)>,
    /// The address of a link just made, shown once.
    new_link: Option<String>,
}

async fn record_page(
    state: &AppState,
    visitor: &Visitor,
    person_id: Uuid,
    new_link: Option<String>,
) -> PageResult<RecordPage> {
    let person = state.store.persons(&visitor.ctx).get(person_id).await?;
    let record = state.store.skills_record(&visitor.ctx, person_id).await?;
    let links = state.store.skills_record_links(&visitor.ctx, person_id).await?;
    Ok(RecordPage {
        nav: visitor.nav("personnes").trail(
            Crumbs::person(person.id, &person.first_name, &person.last_name)
                .here("Carnet de parcours et de compétences"),
        ),
        record,
        links,
        organisations: person
            .followers
            .iter()
            .filter(|f| visitor.ctx.membership(f.organisation_id).is_some())
            .map(|f| (f.organisation_id, f.organisation_name.clone()))
            .collect(),
        new_link,
    })
}

pub async fn record(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> PageResult<RecordPage> {
    let id = parse_id(&id, "Personne")?;
    record_page(&state, &visitor, id, None).await
}

pub async fn record_pdf(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id, "Personne")?;
    Ok(skills_record_pdf(&state.store.skills_record(&visitor.ctx, id).await?))
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    link_id: String,
}

/// Makes (`lien`) or revokes (`revocation`) a personal link.
pub async fn link_action(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<LinkForm>,
) -> PageResult {
    let person_id = parse_id(&id, "Personne")?;
    let (store, ctx) = (&state.store, &visitor.ctx);
    let result = async {
        match action.as_str() {
            "lien" => {
                let org = id_field(&f.organisation_id, "organisation_id", "votre structure")?;
                let link = store
                    .create_skills_record_link(ctx, person_id, org, number(&f.days).unwrap_or(90))
                    .await?;
                Ok(Some(format!("/carnet/{}", link.token)))
            }
            "revocation" => {
                let link = Uuid::parse_str(f.link_id.trim()).map_err(|_| ApiError::not_found("Lien"))?;
                store.revoke_skills_record_link(ctx, link).await?;
                Ok(None)
            }
            _ => Err(ApiError::not_found("Action")),
        }
    };
    match result.await {
        Ok(new_link @ Some(_)) => Ok(record_page(&state, &visitor, person_id, new_link)
            .await?
            .into_response()),
        Ok(None) => Ok(Redirect::to(&format!("/personnes/{person_id}/carnet")).into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "skills_record_shared.html")]
pub struct SharedPage {
    nav: Nav,
    record: SkillsRecord,
    token: String,
}

/// The person's own page: their record only, read-only, without an account.
pub async fn shared_page(State(state): State<AppState>, Path(token): Path<String>) -> PageResult<SharedPage> {
    let record = shared_record(&state, &token).await?;
    Ok(SharedPage {
        nav: Nav::anonymous(),
        record,
        token,
    })
}

pub async fn shared_pdf(State(state): State<AppState>, Path(token): Path<String>) -> PageResult {
    Ok(skills_record_pdf(&shared_record(&state, &token).await?))
}

/// The supported-employment and skills-record pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/emploi-accompagne", get(dashboard))
        .route("/personnes/{id}/emploi-accompagne", get(person))
        .route("/personnes/{id}/emploi-accompagne/{action}", post(act))
        .route("/personnes/{id}/carnet", get(record))
        .route("/personnes/{id}/carnet.pdf", get(record_pdf))
        .route("/personnes/{id}/carnet/{action}", post(link_action))
        .route("/carnet/{token}", get(shared_page))
        .route("/carnet/{token}/pdf", get(shared_pdf))
}
