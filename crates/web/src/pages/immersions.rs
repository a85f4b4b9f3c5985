//! The immersion pages (PMSMP): the list with its reminders and the draft form, and an
//! immersion's page to send it for signature, sign for the visitor's own organisation (the host's members too),
//! record a paper signature, e-mail a signature link to the person or the tutor, download the convention as PDF,
//! assess or cancel it. A refused form comes back with the rule's explanation (and its article) next to the field.

use super::esat::form_hours;
use super::kit::list_filters::count;
use super::kit::{
    Crumbs, CsrfForm, FilterForm, FormError, ListFilters, Notice, PageResult, Pager, StatusChoice, filter_error,
    filters, form_date, parse_id, refused_again,
};
use super::session::{Nav, Visitor};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use passerelle_domain::pathways::immersion::convention::{WEEKDAY_NAMES, check_prescriber};
use passerelle_domain::pathways::immersion::signatories::LINK_PARTIES;
use passerelle_domain::pathways::immersion::{
    AidedContractInput, AidedContractKind, ContractKind, ConventionInput, Objective, Party, Schedule, Status,
};
use passerelle_store::directory::Organisation;
use passerelle_store::infra::paging::Page;
use passerelle_store::pathways::immersion::{Immersion, ImmersionFilter, NewAssessment, NewImmersion, NewSignature};
use passerelle_store::person::Person;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize)]
pub struct ListQuery {
    renouvellement: Option<String>,
    #[serde(flatten)]
    filters: ListFilters,
}

/// Immersions a page of the list shows.
const PER_PAGE: u32 = 50;

#[derive(Deserialize, Default)]
pub struct ImmersionForm {
    /// The immersion this one renews.
    #[serde(default)]
    renewal_of: String,
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    prescriber_id: String,
    #[serde(default)]
    support_structure_id: String,
    #[serde(default)]
    host_name: String,
    #[serde(default)]
    host_siret: String,
    #[serde(default)]
    tutor_name: String,
    #[serde(default)]
    tutor_email: String,
    #[serde(default)]
    objective: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    h0: String,
    #[serde(default)]
    h1: String,
    #[serde(default)]
    h2: String,
    #[serde(default)]
    h3: String,
    #[serde(default)]
    h4: String,
    #[serde(default)]
    h5: String,
    #[serde(default)]
    h6: String,
    #[serde(default)]
    activities: String,
    /// The days of presence of a discontinuous immersion, separated by commas or spaces.
    #[serde(default)]
    attendance_dates: String,
    #[serde(default)]
    aided_contract_kind: String,
    #[serde(default)]
    aided_contract_starts_on: String,
    #[serde(default)]
    aided_contract_ends_on: String,
    // Signature and assessment.
    #[serde(default)]
    party: String,
    #[serde(default)]
    signer_name: String,
    #[serde(default)]
    signed_on: String,
    /// Where a signature link is sent.
    #[serde(default)]
    email: String,
    #[serde(default)]
    assessed_on: String,
    completed: Option<String>,
    objective_met: Option<String>,
    #[serde(default)]
    contract_kind: String,
    #[serde(default)]
    comment: String,
}

impl ImmersionForm {
    /// The form of a renewal of `i`: same person, parties, host, tutor, object and schedule.
    fn renewing(i: &Immersion) -> Self {
        let hours = |d: usize| match i.schedule.0[d] {
            0 => String::new(),
            m if m % 60 == 0 => (m / 60).to_string(),
            m => format!("{:.2}", m as f64 / 60.0).replace('.', ","),
        };
        Self {
            renewal_of: i.id.to_string(),
            person_id: i.person_id.to_string(),
            prescriber_id: i.prescriber_id.to_string(),
            support_structure_id: i.support_structure_id.to_string(),
            host_name: i.host_name.clone(),
            host_siret: i.host_siret.clone(),
            tutor_name: i.tutor_name.clone(),
            tutor_email: i.tutor_email.clone().unwrap_or_default(),
            objective: i.objective.code().to_owned(),
            h0: hours(0),
            h1: hours(1),
            h2: hours(2),
            h3: hours(3),
            h4: hours(4),
            h5: hours(5),
            h6: hours(6),
            activities: i.activities.clone().unwrap_or_default(),
            aided_contract_kind: i.aided_contract.map(|c| c.kind.code().to_owned()).unwrap_or_default(),
            aided_contract_starts_on: i.aided_contract.map(|c| c.starts_on.to_string()).unwrap_or_default(),
            aided_contract_ends_on: i.aided_contract.map(|c| c.ends_on.to_string()).unwrap_or_default(),
            ..Self::default()
        }
    }

    /// The listed days of presence as typed (« 02/03/2026, 05/03/2026 »), each refused on its field if malformed.
    fn attendance_dates(&self) -> Result<Vec<time::Date>, ApiError> {
        self.attendance_dates
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|d| !d.is_empty())
            .filter_map(|d| form_date("jour de présence", d).transpose())
            .collect::<Result<_, _>>()
            .map_err(|e| e.on("attendance_dates"))
    }

    fn aided_contract(&self) -> Result<AidedContractInput, ApiError> {
        Ok(AidedContractInput {
            kind: self.aided_contract_kind.clone(),
            starts_on: form_date("début du contrat aidé", &self.aided_contract_starts_on)
                .map_err(|e| e.on("aided_contract_starts_on"))?,
            ends_on: form_date("fin du contrat aidé", &self.aided_contract_ends_on)
                .map_err(|e| e.on("aided_contract_ends_on"))?,
        })
    }

    /// The seven days' hours as typed, Monday first.
    fn hours(&self) -> [&str; 7] {
        [&self.h0, &self.h1, &self.h2, &self.h3, &self.h4, &self.h5, &self.h6]
    }

    fn schedule(&self) -> Result<Schedule, ApiError> {
        let mut minutes = [0i64; 7];
        for (m, h) in minutes.iter_mut().zip(self.hours()) {
            *m = form_hours("schedule", h)?.unwrap_or(0);
        }
        Ok(Schedule(minutes))
    }

    fn id(value: &str, field: &'static str, what: &str) -> Result<Uuid, ApiError> {
        Uuid::parse_str(value.trim())
            .map_err(|_| ApiError::bad_request("field_required", format!("Choisissez {what}.")).on(field))
    }
}

/// A day of the schedule in the form: its field name, label and typed value.
pub struct Day<'a> {
    pub name: String,
    pub label: &'static str,
    pub value: &'a str,
}

#[derive(Template, WebTemplate)]
#[template(path = "immersions.html")]
struct ListPage<'a> {
    nav: Nav,
    lf: FilterForm,
    immersions: Vec<Immersion>,
    count: String,
    total: i64,
    pager: Pager,
    persons: Vec<Person>,
    prescribers: Vec<Organisation>,
    supports: Vec<Organisation>,
    mine: Vec<Uuid>,
    /// The visitor may draft a convention; a company that only hosts signs those it hosts.
    drafts: bool,
    objectives: &'static [Objective],
    aided_kinds: &'static [AidedContractKind],
    days: Vec<Day<'a>>,
    form: &'a ImmersionForm,
    error: FormError,
}

async fn list_page<'a>(
    state: &AppState,
    visitor: &Visitor,
    filters: ListFilters,
    form: &'a ImmersionForm,
    error: FormError,
) -> Result<ListPage<'a>, ApiError> {
    let (page, filter_error) = match filters.chosen(Status::parse) {
        Ok(c) => {
            let filter = ImmersionFilter {
                status: c.status,
                from: c.from,
                to: c.to,
                oldest_first: c.oldest_first,
                page: c.page,
                per_page: PER_PAGE,
            };
            (
                state.store.immersions(&visitor.ctx).page(&filter).await?,
                FormError::default(),
            )
        }
        Err(e) => (Page::of(Vec::new(), 1, PER_PAGE), filter_error(e)?),
    };
    let pager = Pager::new(&page, |n| filters.url("/immersions", &[], n));
    let lf = FilterForm {
        list_path: "/immersions",
        filters,
        statuses: Status::ALL
            .iter()
            .map(|s| StatusChoice {
                code: s.code(),
                label: s.label(),
            })
            .collect(),
        status_label: "Statut",
        date_label: "début",
        directions: &[],
        direction: String::new(),
        error: filter_error,
    };
    let drafts = visitor.drafts_immersions();
    let (persons, organisations) = if drafts {
        (
            state.store.persons(&visitor.ctx).list(None, 1, 200).await?.items,
            state.store.all_organisations(&visitor.ctx).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let mine: Vec<Uuid> = visitor.ctx.memberships().iter().map(|m| m.organisation_id).collect();
    let (prescribers, supports) = organisations
        .into_iter()
        .filter(|o| !o.archived && o.kind.holds_names().is_ok())
        .fold((Vec::new(), Vec::new()), |(mut p, mut s), o| {
            if check_prescriber(o.kind).is_ok() {
                p.push(o.clone());
            }
            s.push(o);
            (p, s)
        });
    let days = form
        .hours()
        .into_iter()
        .enumerate()
        .map(|(i, value)| Day {
            name: format!("h{i}"),
            label: WEEKDAY_NAMES[i],
            value,
        })
        .collect();
    Ok(ListPage {
        nav: visitor.nav("immersions"),
        lf,
        count: count(page.total, "immersion", "immersions"),
        total: page.total,
        pager,
        immersions: page.items,
        persons,
        prescribers,
        supports,
        mine,
        drafts,
        objectives: Objective::ALL,
        aided_kinds: AidedContractKind::ALL,
        days,
        form,
        error,
    })
}

/// `GET /immersions`: the immersions of the caller's organisations, filtered by status and start, sorted, 50 a
/// page, and the draft form.
///
/// With `?renouvellement={id}`, the form is filled from that immersion to renew it (same person, parties, host
/// and object; the dates are to be typed).
pub async fn list(State(state): State<AppState>, visitor: Visitor, Query(q): Query<ListQuery>) -> PageResult {
    let mut form = ImmersionForm::default();
    if let Some(id) = q.renouvellement.as_deref().and_then(|id| Uuid::parse_str(id).ok()) {
        form = ImmersionForm::renewing(&state.store.immersions(&visitor.ctx).get(id).await?);
    }
    let page = list_page(&state, &visitor, q.filters, &form, FormError::default()).await?;
    Ok((page.lf.status(), page).into_response())
}

/// `POST /immersions`: creates a draft convention.
pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<ImmersionForm>,
) -> PageResult {
    let result = async {
        if !visitor.drafts_immersions() {
            return Err(passerelle_store::StoreError::forbidden(
                "immersion_prescriber_not_allowed",
                "Votre structure accueille des immersions mais n'en prescrit pas (Code du travail, art. L5135-2) : \
                 la convention est préparée par le prescripteur, vous la signez depuis sa page.",
            )
            .into());
        }
        let fields = ConventionInput {
            host_name: form.host_name.clone(),
            host_siret: form.host_siret.clone(),
            tutor_name: form.tutor_name.clone(),
            tutor_email: Some(form.tutor_email.clone()),
            objective: form.objective.clone(),
            starts_on: form_date("début", &form.starts_on).map_err(|e| e.on("starts_on"))?,
            ends_on: form_date("fin", &form.ends_on).map_err(|e| e.on("ends_on"))?,
            schedule: form.schedule()?,
            activities: Some(form.activities.clone()),
            attendance_dates: form.attendance_dates()?,
            aided_contract: form.aided_contract()?,
        }
        .validate()?;
        let new = NewImmersion {
            person_id: ImmersionForm::id(&form.person_id, "person_id", "la personne")?,
            prescriber_id: ImmersionForm::id(&form.prescriber_id, "prescriber_id", "le prescripteur")?,
            support_structure_id: ImmersionForm::id(
                &form.support_structure_id,
                "support_structure_id",
                "la structure d'accompagnement",
            )?,
            fields,
            renewal_of: Uuid::parse_str(form.renewal_of.trim()).ok(),
        };
        Ok::<_, ApiError>(state.store.immersions(&visitor.ctx).create(new, None).await?)
    }
    .await;
    match result {
        Ok(i) => Ok(Redirect::to(&format!("/immersions/{}", i.id)).into_response()),
        Err(e) => {
            refused_again(e, |error| {
                list_page(&state, &visitor, ListFilters::default(), &form, error)
            })
            .await
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "immersion.html")]
pub struct ImmersionPage {
    nav: Nav,
    i: Immersion,
    /// Whether the visitor keeps the convention (prescriber or support structure), not only hosts it.
    keeps: bool,
    /// The parties still to sign to whom the visitor may send a link.
    link_parties: Vec<Party>,
    days: Vec<(&'static str, String)>,
    contracts: &'static [ContractKind],
    form: ImmersionForm,
    error: FormError,
}

async fn immersion_page(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    form: ImmersionForm,
    error: FormError,
) -> Result<ImmersionPage, ApiError> {
    let i = state.store.immersions(&visitor.ctx).get(id).await?;
    let days = i
        .schedule
        .0
        .iter()
        .enumerate()
        .filter(|(_, m)| **m > 0)
        .map(|(d, m)| (WEEKDAY_NAMES[d], passerelle_domain::pathways::esat::french_hours(*m)))
        .collect();
    let here = format!("{} {} chez {}", i.first_name, i.last_name, i.host_name);
    let keeps = visitor.ctx.is_platform_admin()
        || [i.prescriber_id, i.support_structure_id]
            .iter()
            .any(|o| visitor.ctx.membership(*o).is_some());
    let link_parties = if keeps && i.status == Status::AwaitingSignatures {
        LINK_PARTIES
            .into_iter()
            .filter(|p| i.missing_signatures.contains(p))
            .collect()
    } else {
        Vec::new()
    };
    let mut form = form;
    // The tutor's address is proposed when the link would go to the host company.
    if form.email.is_empty() && link_parties.first() == Some(&Party::HostCompany) {
        form.email = i.tutor_email.clone().unwrap_or_default();
    }
    Ok(ImmersionPage {
        nav: visitor
            .nav("immersions")
            .trail(Crumbs::list("Immersions", "/immersions").here(here)),
        i,
        keeps,
        link_parties,
        days,
        contracts: ContractKind::ALL,
        form,
        error,
    })
}

/// `GET /immersions/{id}`.
pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> PageResult<ImmersionPage> {
    let id = parse_id(&id, "Immersion")?;
    Ok(immersion_page(&state, &visitor, id, ImmersionForm::default(), FormError::default()).await?)
}

/// `GET /immersions/{id}/convention.pdf`: the convention as PDF, a draft until every party signed.
pub async fn convention_pdf(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id, "Immersion")?;
    Ok(crate::attachment::attachment(
        passerelle_app::pathways::immersion::convention_pdf(&state.store, &visitor.ctx, id).await?,
    ))
}

/// `POST /immersions/{id}/{action}`: `envoi`, `signature`, `lien-signature`, `bilan` or `annulation`.
pub async fn act(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ImmersionForm>,
) -> PageResult {
    let id = parse_id(&id, "Immersion")?;
    let scope = state.store.immersions(&visitor.ctx);
    let result = async {
        let notice = match action.as_str() {
            "envoi" => scope.submit(id).await.map(|_| None)?,
            "annulation" => scope.cancel(id).await.map(|_| None)?,
            "signature" => {
                let s = NewSignature {
                    party: form.party.clone(),
                    signer_name: form.signer_name.clone(),
                    signed_on: form_date("date de signature", &form.signed_on).map_err(|e| e.on("signed_on"))?,
                };
                scope.sign(id, s).await?;
                Some(Notice::ImmersionSigned)
            }
            "lien-signature" => {
                scope
                    .send_signature_link(id, &form.party, &form.email, &state.operator.public_url)
                    .await?;
                Some(Notice::ImmersionSignatureLinkSent)
            }
            "bilan" => {
                let a = NewAssessment {
                    assessed_on: form_date("date du bilan", &form.assessed_on).map_err(|e| e.on("assessed_on"))?,
                    completed: form.completed.is_some(),
                    objective_met: form.objective_met.is_some(),
                    contract_kind: Some(form.contract_kind.clone()),
                    comment: Some(form.comment.clone()),
                };
                scope.assess(id, a).await.map(|_| None)?
            }
            _ => return Err(ApiError::not_found("Action")),
        };
        Ok::<_, ApiError>(notice)
    }
    .await;
    let here = format!("/immersions/{id}");
    match result {
        Ok(Some(notice)) => Ok(notice.redirect(&state, &here)),
        Ok(None) => Ok(Redirect::to(&here).into_response()),
        Err(e) => refused_again(e, |error| immersion_page(&state, &visitor, id, form, error)).await,
    }
}

/// The immersion pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/immersions", get(list).post(create))
        .route("/immersions/{id}", get(show))
        .route("/immersions/{id}/convention.pdf", get(convention_pdf))
        .route("/immersions/{id}/{action}", post(act))
}
