//! The directory in the database: organisations, contacts, roles and prescriber authorisations.
//! Anyone signed in may read it; changes belong to the organisation's administrators.

mod authorisations;
mod contacts;
mod state_convention;
pub mod structures;

pub use authorisations::Authorisation;
pub(crate) use contacts::load_contact;
pub use contacts::{Contact, RoleAssignment};
pub(crate) use state_convention::state_service_for;

use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, commit_with, record};
use crate::infra::paging::{fetch_page, push_search};
use crate::infra::sql::{Executor, Query, Row, Tx, query};
use passerelle_domain::directory::{self as domain, OrganisationFields, OrganisationInput, OrganisationKind};
use passerelle_domain::invalid::Invalid;
use passerelle_domain::text::fold;
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    #[schema(example = "aci")]
    pub kind: OrganisationKind,
    #[schema(value_type = String)]
    pub kind_label: &'static str,
    pub siret: Option<String>,
    /// FINESS number of an ESAT, a supported-employment service, a SAVS or a SAMSAH.
    #[schema(example = "210987654")]
    pub finess: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub commune: String,
    pub commune_code: Option<String>,
    pub department: String,
    #[schema(value_type = String)]
    pub department_name: &'static str,
    pub parent_id: Option<Uuid>,
    pub territories: Vec<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
    pub external_id: Option<String>,
    pub archived: bool,
    /// For an SIAE: the last day of its State convention (conventionnement), as its DDETS recorded it; its
    /// local cooperation conventions lapse the day after (docs/agreements.md).
    pub state_convention_ends_on: Option<Date>,
    pub state_convention_reference: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Organisation {
    /// The raw fields, to merge a partial change into before validating again.
    pub fn to_input(&self) -> OrganisationInput {
        OrganisationInput {
            name: self.name.clone(),
            kind: self.kind.code().to_owned(),
            siret: self.siret.clone(),
            finess: self.finess.clone(),
            address_line: self.address_line.clone(),
            postal_code: self.postal_code.clone(),
            commune: self.commune.clone(),
            commune_code: self.commune_code.clone(),
            department: self.department.clone(),
            territories: self.territories.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            website: self.website.clone(),
            description: self.description.clone(),
        }
    }
}

/// Filters of the directory search.
#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    pub kind: Option<OrganisationKind>,
    /// Organisations located in or covering this department.
    pub department: Option<String>,
    /// Words searched in the name, commune, SIRET and FINESS number, accents and case ignored.
    pub text: Option<String>,
    pub include_archived: bool,
    pub page: u32,
    pub per_page: u32,
}

pub use crate::infra::paging::{MAX_PER_PAGE, Page};

const ORGANISATION_COLUMNS: &str = "o.id, o.name, o.kind, o.siret, o.finess, o.address_line, o.postal_code, o.commune, \
    o.commune_code, o.department, o.parent_id, o.email, o.phone, o.website, o.description, o.source, \
    o.external_id, o.archived_at, o.state_convention_ends_on, o.state_convention_reference, o.updated_at";

fn organisation(r: &Row) -> Result<Organisation> {
    let kind = OrganisationKind::parse(&r.get::<String>("kind")?)?;
    let department: String = r.get("department")?;
    Ok(Organisation {
        id: r.get("id")?,
        name: r.get("name")?,
        kind,
        kind_label: kind.label(),
        siret: r.get("siret")?,
        finess: r.get("finess")?,
        address_line: r.get("address_line")?,
        postal_code: r.get("postal_code")?,
        commune: r.get("commune")?,
        commune_code: r.get("commune_code")?,
        department_name: domain::department(&department).map(|d| d.name).unwrap_or(""),
        department,
        parent_id: r.get("parent_id")?,
        territories: Vec::new(),
        email: r.get("email")?,
        phone: r.get("phone")?,
        website: r.get("website")?,
        description: r.get("description")?,
        source: r.get("source")?,
        external_id: r.get("external_id")?,
        archived: r.get::<Option<OffsetDateTime>>("archived_at")?.is_some(),
        state_convention_ends_on: r.get("state_convention_ends_on")?,
        state_convention_reference: r.get("state_convention_reference")?,
        updated_at: r.get("updated_at")?,
    })
}

/// Appends `column IN ($n, ...)` for the given ids.
pub(crate) fn push_in(q: &mut Query, column: &str, ids: &[Uuid]) {
    q.push_sql(&format!(" {column} IN ("));
    for (i, id) in ids.iter().enumerate() {
        q.push_bound(if i == 0 { "{}" } else { ", {}" }, *id);
    }
    q.push_sql(")");
}

async fn attach_territories(ex: &mut impl Executor, orgs: &mut [Organisation]) -> Result<()> {
    if orgs.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = orgs.iter().map(|o| o.id).collect();
    let mut q = query("SELECT organisation_id, department FROM organisation_territories WHERE");
    push_in(&mut q, "organisation_id", &ids);
    q.push_sql(" ORDER BY department");
    for r in ex.fetch_all(q).await? {
        let id: Uuid = r.get("organisation_id")?;
        if let Some(o) = orgs.iter_mut().find(|o| o.id == id) {
            o.territories.push(r.get("department")?);
        }
    }
    Ok(())
}

pub(crate) async fn load_organisation(ex: &mut impl Executor, id: Uuid) -> Result<Organisation> {
    let row = ex
        .fetch_optional(
            query(format!(
                "SELECT {ORGANISATION_COLUMNS} FROM organisations o WHERE o.id = $1"
            ))
            .bind(id),
        )
        .await?
        .ok_or(StoreError::not_found("structure"))?;
    let mut org = [organisation(&row)?];
    attach_territories(ex, &mut org).await?;
    let [org] = org;
    Ok(org)
}

fn search_text(fields: &OrganisationFields) -> String {
    fold(&format!(
        "{} {} {} {} {}",
        fields.name,
        fields.commune,
        fields.siret.as_ref().map(|s| s.as_str()).unwrap_or(""),
        fields.finess.as_ref().map(|f| f.as_str()).unwrap_or(""),
        fields.kind.label()
    ))
}

/// Where an imported record comes from: the key of an idempotent re-import.
#[derive(Debug, Clone)]
pub struct ExternalKey {
    pub source: String,
    pub external_id: String,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Upserted {
    Created,
    Updated,
    Unchanged,
}

impl Store {
    pub async fn list_organisations(&self, _ctx: &AccessContext, f: &OrganisationFilter) -> Result<Page<Organisation>> {
        let mut filter = query(" FROM organisations o WHERE 1 = 1");
        if !f.include_archived {
            filter.push_sql(" AND o.archived_at IS NULL");
        }
        if let Some(kind) = f.kind {
            filter.push_bound(" AND o.kind = {}", kind.code());
        }
        if let Some(d) = &f.department {
            let d = domain::department(d)?.code;
            filter.push_bound(
                " AND (o.department = {} OR EXISTS (SELECT 1 FROM organisation_territories t \
                 WHERE t.organisation_id = o.id AND t.department = {}))",
                d,
            );
        }
        push_search(&mut filter, "o.search_text", f.text.as_deref());
        let mut db = self.pool.clone();
        let (rows, total, page, per_page) = fetch_page(
            &mut db,
            filter,
            ORGANISATION_COLUMNS,
            "o.name, o.id",
            f.page,
            f.per_page,
        )
        .await?;
        let mut items = rows.iter().map(organisation).collect::<Result<Vec<_>>>()?;
        attach_territories(&mut db, &mut items).await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }

    pub async fn organisation(&self, _ctx: &AccessContext, id: Uuid) -> Result<Organisation> {
        load_organisation(&mut self.pool.clone(), id).await
    }

    /// Creates an organisation: platform administrators, or administrators of the parent organisation.
    pub async fn create_organisation(
        &self,
        ctx: &AccessContext,
        fields: OrganisationFields,
        parent_id: Option<Uuid>,
    ) -> Result<Organisation> {
        if !(ctx.is_platform_admin() || parent_id.is_some_and(|p| ctx.is_admin_of(p))) {
            return Err(StoreError::forbidden(
                "forbidden",
                "Seul un administrateur de la plateforme ou de la structure parente peut créer une structure.",
            ));
        }
        let mut tx = self.pool.begin().await?;
        let id = Uuid::new_v4();
        insert_organisation(&mut tx, id, &fields, parent_id, None).await?;
        let org = load_organisation(&mut tx, id).await?;
        commit_with(
            tx,
            ctx,
            Event::new("organisation", id, "organisation.created")
                .by(parent_id)
                .after(&org),
        )
        .await?;
        Ok(org)
    }

    /// Replaces an organisation's fields (administrators of the organisation or of the platform).
    pub async fn update_organisation(
        &self,
        ctx: &AccessContext,
        id: Uuid,
        fields: OrganisationFields,
        parent_id: Option<Uuid>,
    ) -> Result<Organisation> {
        let mut tx = self.pool.begin().await?;
        let before = load_organisation(&mut tx, id).await?;
        if !ctx.is_admin_of(id) {
            return Err(StoreError::forbidden(
                "forbidden",
                "Seuls les administrateurs de la structure peuvent la modifier.",
            ));
        }
        update_organisation_row(&mut tx, id, &fields, parent_id).await?;
        let after = load_organisation(&mut tx, id).await?;
        commit_with(
            tx,
            ctx,
            Event::new("organisation", id, "organisation.updated")
                .by(Some(id))
                .before(&before)
                .after(&after),
        )
        .await?;
        Ok(after)
    }

    /// Archives an organisation: it leaves the directory's default lists, nothing is deleted.
    pub async fn archive_organisation(&self, ctx: &AccessContext, id: Uuid) -> Result<Organisation> {
        let mut tx = self.pool.begin().await?;
        let before = load_organisation(&mut tx, id).await?;
        if !ctx.is_admin_of(id) {
            return Err(StoreError::forbidden(
                "forbidden",
                "Seuls les administrateurs de la structure peuvent l'archiver.",
            ));
        }
        if before.archived {
            return Err(StoreError::conflict(
                "already_archived",
                "Cette structure est déjà archivée.",
            ));
        }
        tx.execute(
            query("UPDATE organisations SET archived_at = $1, updated_at = $1 WHERE id = $2")
                .bind(crate::infra::clock::now())
                .bind(id),
        )
        .await?;
        let after = load_organisation(&mut tx, id).await?;
        commit_with(
            tx,
            ctx,
            Event::new("organisation", id, "organisation.archived")
                .by(Some(id))
                .before(&before)
                .after(&after),
        )
        .await?;
        Ok(after)
    }

    /// Creates or updates the organisation imported under `key`, in the caller's transaction.
    pub async fn upsert_organisation(
        &self,
        tx: &mut Tx,
        ctx: &AccessContext,
        key: &ExternalKey,
        fields: &OrganisationFields,
    ) -> Result<(Uuid, Upserted)> {
        if !ctx.is_platform_admin() {
            return Err(StoreError::forbidden(
                "forbidden",
                "Seul un administrateur de la plateforme peut importer.",
            ));
        }
        let existing = tx
            .fetch_optional(
                query("SELECT id, parent_id FROM organisations WHERE source = $1 AND external_id = $2")
                    .bind(&key.source)
                    .bind(&key.external_id),
            )
            .await?;
        match existing {
            None => {
                let id = Uuid::new_v4();
                insert_organisation(tx, id, fields, None, Some(key)).await?;
                let org = load_organisation(tx, id).await?;
                record(
                    tx,
                    ctx,
                    Event::new("organisation", id, "organisation.imported").after(&org),
                )
                .await?;
                Ok((id, Upserted::Created))
            }
            Some(row) => {
                let id: Uuid = row.get("id")?;
                let before = load_organisation(tx, id).await?;
                if before.to_input().validate().as_ref() == Ok(fields) {
                    return Ok((id, Upserted::Unchanged));
                }
                update_organisation_row(tx, id, fields, row.get("parent_id")?).await?;
                let after = load_organisation(tx, id).await?;
                record(
                    tx,
                    ctx,
                    Event::new("organisation", id, "organisation.reimported")
                        .before(&before)
                        .after(&after),
                )
                .await?;
                Ok((id, Upserted::Updated))
            }
        }
    }

    /// Every organisation not archived, for the export.
    pub async fn all_organisations(&self, ctx: &AccessContext) -> Result<Vec<Organisation>> {
        let mut all = Vec::new();
        let mut page = 1;
        loop {
            let filter = OrganisationFilter {
                page,
                per_page: MAX_PER_PAGE,
                ..Default::default()
            };
            let p = self.list_organisations(ctx, &filter).await?;
            let done = p.items.len() < MAX_PER_PAGE as usize;
            all.extend(p.items);
            if done {
                return Ok(all);
            }
            page += 1;
        }
    }
}

async fn check_unique_siret(tx: &mut Tx, fields: &OrganisationFields, except: Option<Uuid>) -> Result<()> {
    let Some(siret) = &fields.siret else { return Ok(()) };
    let row = tx
        .fetch_optional(query("SELECT id, name FROM organisations WHERE siret = $1").bind(siret.as_str()))
        .await?;
    match row {
        Some(r) if Some(r.get::<Uuid>("id")?) != except => Err(StoreError::conflict(
            "siret_taken",
            format!(
                "Le SIRET {siret} est déjà celui de la structure « {} ».",
                r.get::<String>("name")?
            ),
        )),
        _ => Ok(()),
    }
}

async fn check_unique_finess(tx: &mut Tx, fields: &OrganisationFields, except: Option<Uuid>) -> Result<()> {
    let Some(finess) = &fields.finess else { return Ok(()) };
    let row = tx
        .fetch_optional(query("SELECT id, name FROM organisations WHERE finess = $1").bind(finess.as_str()))
        .await?;
    match row {
        Some(r) if Some(r.get::<Uuid>("id")?) != except => Err(StoreError::conflict(
            "finess_taken",
            format!(
                "Le numéro FINESS {finess} est déjà celui de la structure « {} ».",
                r.get::<String>("name")?
            ),
        )),
        _ => Ok(()),
    }
}

async fn check_parent(tx: &mut Tx, id: Uuid, parent_id: Option<Uuid>) -> Result<()> {
    let Some(parent) = parent_id else { return Ok(()) };
    if parent == id {
        return Err(StoreError::Invalid(
            Invalid::new(
                "parent_invalid",
                "Une structure ne peut pas être sa propre structure parente.",
            )
            .on("parent_id"),
        ));
    }
    // Walk up from the parent: meeting `id` would make a cycle.
    let mut current = Some(parent);
    let mut steps = 0;
    while let Some(p) = current {
        let row = tx
            .fetch_optional(query("SELECT parent_id FROM organisations WHERE id = $1").bind(p))
            .await?;
        let Some(row) = row else {
            return Err(StoreError::Invalid(
                Invalid::new("parent_not_found", "La structure parente n'existe pas.").on("parent_id"),
            ));
        };
        current = row.get("parent_id")?;
        steps += 1;
        if current == Some(id) || steps > 50 {
            return Err(StoreError::Invalid(
                Invalid::new(
                    "parent_invalid",
                    "Ce rattachement créerait une boucle entre structures.",
                )
                .on("parent_id"),
            ));
        }
    }
    Ok(())
}

async fn insert_organisation(
    tx: &mut Tx,
    id: Uuid,
    f: &OrganisationFields,
    parent_id: Option<Uuid>,
    key: Option<&ExternalKey>,
) -> Result<()> {
    check_unique_siret(tx, f, None).await?;
    check_unique_finess(tx, f, None).await?;
    check_parent(tx, id, parent_id).await?;
    let now = crate::infra::clock::now();
    tx.execute(
        query(
            "INSERT INTO organisations (id, name, kind, siret, address_line, postal_code, commune, commune_code, \
             department, parent_id, email, phone, website, description, search_text, source, external_id, \
             created_at, updated_at, finess) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19)",
        )
        .bind(id)
        .bind(&f.name)
        .bind(f.kind.code())
        .bind(f.siret.as_ref().map(|s| s.as_str()))
        .bind(&f.address_line)
        .bind(&f.postal_code)
        .bind(&f.commune)
        .bind(&f.commune_code)
        .bind(f.department)
        .bind(parent_id)
        .bind(&f.email)
        .bind(&f.phone)
        .bind(&f.website)
        .bind(&f.description)
        .bind(search_text(f))
        .bind(key.map(|k| k.source.as_str()))
        .bind(key.map(|k| k.external_id.as_str()))
        .bind(now)
        .bind(f.finess.as_ref().map(|f| f.as_str())),
    )
    .await?;
    replace_territories(tx, id, &f.territories).await
}

async fn update_organisation_row(tx: &mut Tx, id: Uuid, f: &OrganisationFields, parent_id: Option<Uuid>) -> Result<()> {
    check_unique_siret(tx, f, Some(id)).await?;
    check_unique_finess(tx, f, Some(id)).await?;
    check_parent(tx, id, parent_id).await?;
    tx.execute(
        query(
            "UPDATE organisations SET name = $1, kind = $2, siret = $3, address_line = $4, postal_code = $5, \
             commune = $6, commune_code = $7, department = $8, parent_id = $9, email = $10, phone = $11, \
             website = $12, description = $13, search_text = $14, updated_at = $15, finess = $17 WHERE id = $16",
        )
        .bind(&f.name)
        .bind(f.kind.code())
        .bind(f.siret.as_ref().map(|s| s.as_str()))
        .bind(&f.address_line)
        .bind(&f.postal_code)
        .bind(&f.commune)
        .bind(&f.commune_code)
        .bind(f.department)
        .bind(parent_id)
        .bind(&f.email)
        .bind(&f.phone)
        .bind(&f.website)
        .bind(&f.description)
        .bind(search_text(f))
        .bind(crate::infra::clock::now())
        .bind(id)
        .bind(f.finess.as_ref().map(|f| f.as_str())),
    )
    .await?;
    replace_territories(tx, id, &f.territories).await
}

async fn replace_territories(tx: &mut Tx, id: Uuid, territories: &[&'static str]) -> Result<()> {
    tx.execute(query("DELETE FROM organisation_territories WHERE organisation_id = $1").bind(id))
        .await?;
    for d in territories {
        tx.execute(
            query("INSERT INTO organisation_territories (organisation_id, department) VALUES ($1, $2)")
                .bind(id)
                .bind(*d),
        )
        .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Contacts and roles
