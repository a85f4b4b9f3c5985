//! The agreements pages: the list, an agreement with its checklist, life-cycle actions and versions, the
//! drafting form, and the comparison of two versions.

mod amendments;
mod compare;
mod drafting;
pub mod editor;

use super::kit::{self, Crumbs, CsrfForm, Notice, PageResult, filters, form_date};
use super::session::{Nav, Visitor};
use crate::error::ApiError;
use crate::inputs::parse_action;
use crate::respond;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
pub use drafting::{amend, edit, save_draft};
use editor::{Choices, EditError, EditForm, Kind, Section};
use passerelle_app::SystemClock;
use passerelle_app::agreements::document::agreement_document;
use passerelle_documents::{Block, Document};
use passerelle_domain::agreements::AgreementKind;
use passerelle_domain::agreements::checklist::{Checklist, ItemState};
use passerelle_domain::agreements::committee_proposal::proposing_committee;
use passerelle_domain::agreements::content::{AgreementContent, Party};
use passerelle_domain::agreements::lifecycle::{self, Action, Status};
use passerelle_domain::calendar::french_date;
use passerelle_store::agreements::{Act, Agreement, AgreementSummary, ToDo};
use passerelle_store::directory::{Organisation, OrganisationFilter};
use serde::Deserialize;
use uuid::Uuid;

const SECTION: &str = "conventions";

#[derive(Template, WebTemplate)]
#[template(path = "agreements.html")]
pub struct ListPage {
    nav: Nav,
    items: Vec<AgreementSummary>,
    to_do: Vec<ToDo>,
}

pub async fn list(State(state): State<AppState>, visitor: Visitor) -> PageResult<ListPage> {
    let scope = state.store.agreements(&visitor.ctx);
    let (items, to_do) = (scope.list().await, scope.to_do().await);
    Ok(ListPage {
        nav: visitor.nav(SECTION),
        items: items?,
        to_do: to_do?,
    })
}

/// The list and the to-do list as an XLSX workbook.
pub async fn export(State(state): State<AppState>, visitor: Visitor) -> PageResult {
    Ok(respond::agreements_export(&state.store, &visitor.ctx, "xlsx").await?)
}

#[derive(Template, WebTemplate)]
#[template(path = "agreement.html")]
struct AgreementPage {
    nav: Nav,
    a: Agreement,
    checklist: Checklist,
    /// The current version laid out as its documents are (articles, annexes, indicator table).
    subtitle: String,
    parts: Vec<Part>,
    /// Actions the table allows today, for the buttons.
    actions: Vec<Action>,
    editable: bool,
    /// Whether the visitor may propose an avenant (the agreement is in force or under review, none pending).
    amendable: bool,
    /// What the visitor may do to the pending avenant, if one is pending.
    pending: Option<amendments::Choices>,
    /// The texts of a draft, or of the next version for an avenant.
    texts: Option<EditForm>,
    /// A draft's forms for the rest of the structure.
    sections: Vec<Section>,
    /// The form whose change was refused, for the summary at the top.
    edit_error: Option<EditError>,
    error: Option<String>,
    notice: Option<String>,
    /// The quantified targets against the computed values.
    targets: Vec<passerelle_store::indicators::targets::TargetProgress>,
}

impl AgreementPage {
    fn date(&self, d: &Option<time::Date>) -> String {
        d.map(french_date).unwrap_or_else(|| "non fixée".into())
    }

    /// The years of the annual report offered, newest first: from the agreement's start (ten at most) to this year.
    fn report_years(&self) -> Vec<i32> {
        let now = passerelle_store::today().year();
        let first = self.a.starts_on.map_or(now, |d| d.year()).clamp(now - 9, now);
        (first..=now).rev().collect()
    }

    /// Where the form that fills the checklist item at `index` is, when the draft is editable.
    fn item_anchor(&self, index: &usize) -> Option<String> {
        self.editable
            .then(|| editor::anchor_of(self.checklist.items[*index].code))
    }

    /// DSFR badge class, word and detail of the checklist item at `index`.
    fn item_state(&self, index: &usize) -> (&'static str, &'static str, String) {
        match &self.checklist.items[*index].state {
            ItemState::Satisfied => ("success", "rempli", String::new()),
            ItemState::NotApplicable { reason } => ("info", "sans objet", reason.clone()),
            ItemState::Missing { what } => ("warning", "manquant", what.clone()),
        }
    }
}

pub(super) async fn page(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    error: Option<String>,
    notice: Option<String>,
    edit_error: Option<EditError>,
) -> PageResult {
    let nav = visitor.nav(SECTION);
    let scope = state.store.agreements(&visitor.ctx);
    let (document, checklist) = (
        agreement_document(&state.store, &visitor.ctx, &SystemClock, id, None).await,
        scope.checklist(id).await,
    );
    let ((a, doc), checklist) = (document?, checklist?);
    let party_admin = a.parties.iter().any(|p| visitor.ctx.is_admin_of(p.organisation_id));
    // Signing is offered to the administrators of a party that has not signed yet; an avenant has its own
    // form and, once proposed, its own buttons.
    let may_sign = a.parties.iter().any(|p| {
        p.signed_on.is_none()
            && visitor
                .ctx
                .membership(p.organisation_id)
                .is_some_and(|m| m.role == passerelle_store::MemberRole::Admin)
    });
    // Declining is offered to the administrators of a party other than the one that started the agreement.
    let may_decline = a.parties.iter().any(|p| {
        p.organisation_id != a.created_by_organisation_id
            && visitor
                .ctx
                .membership(p.organisation_id)
                .is_some_and(|m| m.role == passerelle_store::MemberRole::Admin)
    });
    let actions = if party_admin {
        Action::ALL
            .iter()
            .copied()
            .filter(|act| *act != Action::Amend && (*act != Action::Sign || may_sign))
            .filter(|act| *act != Action::Decline || may_decline)
            .filter(|act| lifecycle::allowed(a.status, *act).is_some())
            .collect()
    } else {
        Vec::new()
    };
    let status = if error.is_some() || edit_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let targets =
        passerelle_store::indicators::targets::progress_of(&state.store, &visitor.ctx, &a, passerelle_store::today())
            .await?;
    let editable = party_admin && a.status == Status::Draft;
    let amendable =
        party_admin && a.pending_amendment.is_none() && lifecycle::allowed(a.status, Action::Amend).is_some();
    let admin_of = |o: Uuid| {
        visitor
            .ctx
            .membership(o)
            .is_some_and(|m| m.role == passerelle_store::MemberRole::Admin)
    };
    let pending = a.pending_amendment.as_ref().map(|p| amendments::choices(p, admin_of));
    let content = &a.content;
    let mut texts = match (editable, amendable) {
        (true, _) => Some(editor::texts_form(
            "texts",
            &format!("/conventions/{id}/brouillon"),
            content,
            false,
        )),
        (_, true) => Some(editor::texts_form(
            "avenant",
            &format!("/conventions/{id}/avenant"),
            content,
            true,
        )),
        _ => None,
    };
    // A regional agreement's avenant names the steering committee's meeting that proposed it (article 5).
    if let Some(t) = texts
        .as_mut()
        .filter(|_| !editable && proposing_committee(a.kind).is_some())
    {
        let meetings = scope.steering_meetings(id).await?;
        t.fields.insert(2, editor::steering_meeting_field(&t.key, &meetings));
    }
    if let (Some(t), Some(e)) = (texts.as_mut(), edit_error.as_ref()) {
        editor::place_error(std::slice::from_mut(t), e);
    }
    let sections = if editable {
        let (organisations, contacts) = drafting_choices(state, visitor, content).await?;
        editor::sections(
            content,
            a.kind,
            &format!("/conventions/{id}/redaction"),
            &Choices {
                organisations: &organisations,
                contacts: &contacts,
                checklist: &checklist.items,
            },
            edit_error.as_ref(),
        )
    } else {
        Vec::new()
    };
    Ok((
        status,
        AgreementPage {
            nav: nav.trail(Crumbs::list("Conventions", "/conventions").here(a.title.clone())),
            a,
            checklist,
            subtitle: doc.subtitle.clone(),
            parts: parts(doc),
            actions,
            editable,
            amendable,
            pending,
            texts,
            sections,
            edit_error,
            error,
            notice,
            targets,
        },
    )
        .into_response())
}

/// The directory's choices for the drafting forms: organisations that may become parties (the visitor's
/// department, as for a new draft) and each party's contacts.
async fn drafting_choices(
    state: &AppState,
    visitor: &Visitor,
    c: &AgreementContent,
) -> Result<(Vec<Organisation>, Vec<Vec<passerelle_store::directory::Contact>>), ApiError> {
    let organisations = partner_choices(state, visitor).await?;
    let mut contacts = Vec::new();
    for p in &c.parties {
        contacts.push(state.store.contacts(&visitor.ctx, p.organisation_id).await?);
    }
    Ok((organisations, contacts))
}

/// Organisations of the visitor's department, to choose a partner from.
async fn partner_choices(state: &AppState, visitor: &Visitor) -> Result<Vec<Organisation>, ApiError> {
    let department = visitor
        .ctx
        .memberships()
        .iter()
        .find(|m| visitor.ctx.is_admin_of(m.organisation_id))
        .map(|m| m.department.clone());
    let filter = OrganisationFilter {
        department,
        page: 1,
        per_page: 200,
        ..Default::default()
    };
    Ok(state.store.list_organisations(&visitor.ctx, &filter).await?.items)
}

/// A block of the document as the page shows it: consecutive bullets make one list.
enum Part {
    Heading(String),
    Subheading(String),
    Minor(String),
    Paragraph(String),
    List(Vec<String>),
}

fn parts(doc: Document) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    for block in doc.blocks {
        match (block, out.last_mut()) {
            (Block::Bullet(t), Some(Part::List(items))) => items.push(t),
            (Block::Bullet(t), _) => out.push(Part::List(vec![t])),
            (Block::Heading(t), _) => out.push(Part::Heading(t)),
            (Block::Subheading(t), _) => out.push(Part::Subheading(t)),
            (Block::Minor(t), _) => out.push(Part::Minor(t)),
            (Block::Paragraph(t), _) => out.push(Part::Paragraph(t)),
        }
    }
    out
}

fn parse_id(id: &str) -> Result<Uuid, ApiError> {
    kit::parse_id(id, "Convention")
}

pub async fn show(State(state): State<AppState>, visitor: Visitor, Path(id): Path<String>) -> PageResult {
    page(&state, &visitor, parse_id(&id)?, None, None, None).await
}

#[derive(Deserialize)]
pub struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    reason: String,
}

pub async fn act(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ActForm>,
) -> PageResult {
    let id = parse_id(&id)?;
    let result = async {
        let action = parse_action(&form.action)?;
        let on = form_date("date", &form.on).map_err(|e| e.on("on"))?;
        let reason = Some(form.reason.clone()).filter(|r| !r.trim().is_empty());
        let act = Act {
            action,
            on,
            organisation_id: None,
            reason,
            content: None,
            committee_meeting_id: None,
        };
        Ok::<_, ApiError>(state.store.agreements(&visitor.ctx).act(id, act).await?)
    };
    match result.await {
        // A party that declined no longer sees the agreement: back to its list.
        Ok((_, change)) if change.explanation.code == Action::Decline.code() => {
            Ok(Redirect::to("/conventions").into_response())
        }
        Ok((_, change)) => page(&state, &visitor, id, None, Some(change.explanation.message), None).await,
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            page(&state, &visitor, id, Some(e.message), None, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ReportQuery {
    annee: Option<String>,
}

/// The annual « état des lieux » as a PDF (the API's, through the session).
pub async fn report(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    Ok(crate::annual_report::response(&state.store, &visitor.ctx, id, q.annee.as_deref()).await?)
}

#[derive(Deserialize)]
pub struct DownloadQuery {
    #[serde(default)]
    format: String,
    version: Option<i64>,
}

pub async fn download(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<DownloadQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    Ok(respond::agreement_document(&state, &visitor.ctx, id, &q.format, q.version).await?)
}

#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    partner_id: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "agreement_new.html")]
pub struct NewPage {
    nav: Nav,
    kinds: &'static [AgreementKind],
    parents: Vec<AgreementSummary>,
    mine: Vec<passerelle_store::Membership>,
    partners: Vec<Organisation>,
    form: NewForm,
    error: Option<String>,
}

/// The form's choices: the visitor's administered organisations, the agreements they may decline, and the
/// organisations of their department as partners.
async fn new_page(
    state: &AppState,
    visitor: &Visitor,
    form: NewForm,
    error: Option<String>,
) -> Result<NewPage, ApiError> {
    let mine: Vec<_> = visitor
        .ctx
        .memberships()
        .iter()
        .filter(|m| visitor.ctx.is_admin_of(m.organisation_id))
        .cloned()
        .collect();
    Ok(NewPage {
        nav: visitor
            .nav(SECTION)
            .trail(Crumbs::list("Conventions", "/conventions").here("Nouvelle convention")),
        kinds: AgreementKind::ALL,
        parents: state.store.agreements(&visitor.ctx).list().await?,
        partners: partner_choices(state, visitor).await?,
        mine,
        form,
        error,
    })
}

pub async fn new_form(State(state): State<AppState>, visitor: Visitor) -> PageResult<NewPage> {
    Ok(new_page(&state, &visitor, NewForm::default(), None).await?)
}

/// Starts a draft between the visitor's organisation and a partner, with the legal references proposed for
/// its kind; the checklist then tells what to write.
pub async fn create(State(state): State<AppState>, visitor: Visitor, CsrfForm(form): CsrfForm<NewForm>) -> PageResult {
    let result = async {
        let kind = AgreementKind::parse(&form.kind)?;
        let choose = |v: &str, what: &str| {
            Uuid::parse_str(v).map_err(|_| ApiError::bad_request("organisation_invalid", format!("Choisissez {what}.")))
        };
        let ids = [
            choose(&form.organisation_id, "votre structure")?,
            choose(&form.partner_id, "la structure partenaire")?,
        ];
        let parent = Uuid::parse_str(&form.parent_id).ok();
        let mut parties = Vec::new();
        for id in ids {
            let org = state.store.organisation(&visitor.ctx, id).await?;
            parties.push(Party {
                organisation_id: id,
                name: org.name,
                ..Default::default()
            });
        }
        let content = AgreementContent {
            title: form.title.clone(),
            parties,
            legal_references: kind.legal_reference_presets().iter().map(|s| s.to_string()).collect(),
            notice_months: 3,
            ..Default::default()
        };
        Ok::<_, ApiError>(
            state
                .store
                .agreements(&visitor.ctx)
                .create(kind, parent, content)
                .await?,
        )
    };
    match result.await {
        Ok(a) => Ok(Notice::AgreementCreated.redirect(&state, &format!("/conventions/{}", a.id))),
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            Ok((status, new_page(&state, &visitor, form, Some(e.message)).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The agreements pages' routes.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/conventions", get(list).post(create))
        .route("/conventions/nouvelle", get(new_form))
        .route("/conventions/export.xlsx", get(export))
        .route("/conventions/{id}", get(show))
        .route("/conventions/{id}/actions", post(act))
        .route("/conventions/{id}/brouillon", post(save_draft))
        .route("/conventions/{id}/redaction", post(edit))
        .route("/conventions/{id}/avenant", post(amend))
        .route("/conventions/{id}/avenant/{step}", post(amendments::decide))
        .route("/conventions/{id}/comparaison", get(compare::compare))
        .route("/conventions/{id}/document", get(download))
        .route("/conventions/{id}/etat-des-lieux", get(report))
}
