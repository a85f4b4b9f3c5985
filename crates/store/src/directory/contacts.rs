//! Named contacts of an organisation and their roles, each with a substitute who acts when the holder is
//! absent (the degraded mode).

use super::load_organisation;
use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, commit_with};
use crate::infra::sql::{Executor, Row, Tx, query};
use passerelle_domain::directory::{self as domain, ContactFields, ContactRole};
use passerelle_domain::invalid::Invalid;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Contact {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub function: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub archived: bool,
}

impl Contact {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

const CONTACT_COLUMNS: &str = "id, organisation_id, first_name, last_name, function, email, phone, archived_at";

fn contact(r: &Row) -> Result<Contact> {
    Ok(Contact {
        id: r.get("id")?,
        organisation_id: r.get("organisation_id")?,
        first_name: r.get("first_name")?,
        last_name: r.get("last_name")?,
        function: r.get("function")?,
        email: r.get("email")?,
        phone: r.get("phone")?,
        archived: r.get::<Option<OffsetDateTime>>("archived_at")?.is_some(),
    })
}

pub(crate) async fn load_contact(ex: &mut impl Executor, id: Uuid) -> Result<Contact> {
    let row = ex
        .fetch_optional(query(format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = $1")).bind(id))
        .await?
        .ok_or(StoreError::not_found("contact"))?;
    contact(&row)
}

/// A role with its holder, substitute and who acts today.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoleAssignment {
    pub id: Uuid,
    pub organisation_id: Uuid,
    #[schema(example = "spe_referent")]
    pub role: ContactRole,
    #[schema(value_type = String)]
    pub role_label: &'static str,
    pub holder: Contact,
    pub substitute: Option<Contact>,
    pub holder_absent: bool,
    /// The holder, or the substitute while the holder is absent (degraded mode).
    pub acting: Contact,
}

fn require_admin(ctx: &AccessContext, organisation_id: Uuid) -> Result<()> {
    if ctx.is_admin_of(organisation_id) {
        Ok(())
    } else {
        Err(StoreError::forbidden(
            "forbidden",
            "Seuls les administrateurs de la structure peuvent modifier ses contacts.",
        ))
    }
}

impl Store {
    pub async fn contacts(&self, _ctx: &AccessContext, organisation_id: Uuid) -> Result<Vec<Contact>> {
        let mut db = self.pool.clone();
        load_organisation(&mut db, organisation_id).await?;
        let rows = db
            .fetch_all(
                query(format!(
                    "SELECT {CONTACT_COLUMNS} FROM contacts WHERE organisation_id = $1 AND archived_at IS NULL \
                     ORDER BY last_name, first_name"
                ))
                .bind(organisation_id),
            )
            .await?;
        rows.iter().map(contact).collect()
    }

    pub async fn contact(&self, _ctx: &AccessContext, id: Uuid) -> Result<Contact> {
        load_contact(&mut self.pool.clone(), id).await
    }

    pub async fn create_contact(
        &self,
        ctx: &AccessContext,
        organisation_id: Uuid,
        f: ContactFields,
    ) -> Result<Contact> {
        let mut tx = self.pool.begin().await?;
        load_organisation(&mut tx, organisation_id).await?;
        require_admin(ctx, organisation_id)?;
        let id = Uuid::new_v4();
        let now = crate::infra::clock::now();
        tx.execute(
            query(
                "INSERT INTO contacts (id, organisation_id, first_name, last_name, function, email, phone, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(id)
            .bind(organisation_id)
            .bind(&f.first_name)
            .bind(&f.last_name)
            .bind(&f.function)
            .bind(&f.email)
            .bind(&f.phone)
            .bind(now),
        )
        .await?;
        let c = load_contact(&mut tx, id).await?;
        commit_with(
            tx,
            ctx,
            Event::new("contact", id, "contact.created")
                .by(Some(organisation_id))
                .after(&c),
        )
        .await?;
        Ok(c)
    }

    pub async fn update_contact(&self, ctx: &AccessContext, id: Uuid, f: ContactFields) -> Result<Contact> {
        let mut tx = self.pool.begin().await?;
        let before = load_contact(&mut tx, id).await?;
        require_admin(ctx, before.organisation_id)?;
        tx.execute(
            query(
                "UPDATE contacts SET first_name = $1, last_name = $2, function = $3, email = $4, phone = $5, \
                 updated_at = $6 WHERE id = $7",
            )
            .bind(&f.first_name)
            .bind(&f.last_name)
            .bind(&f.function)
            .bind(&f.email)
            .bind(&f.phone)
            .bind(crate::infra::clock::now())
            .bind(id),
        )
        .await?;
        let after = load_contact(&mut tx, id).await?;
        commit_with(
            tx,
            ctx,
            Event::new("contact", id, "contact.updated")
                .by(Some(before.organisation_id))
                .before(&before)
                .after(&after),
        )
        .await?;
        Ok(after)
    }

    /// Archives a contact; a contact still holding or substituting a role cannot be archived.
    pub async fn archive_contact(&self, ctx: &AccessContext, id: Uuid) -> Result<Contact> {
        let mut tx = self.pool.begin().await?;
        let before = load_contact(&mut tx, id).await?;
        require_admin(ctx, before.organisation_id)?;
        let busy = tx
            .fetch_optional(
                query(
                    "SELECT id FROM contact_roles WHERE archived_at IS NULL AND (holder_id = $1 OR substitute_id = $1)",
                )
                .bind(id),
            )
            .await?;
        if busy.is_some() {
            return Err(StoreError::conflict(
                "contact_holds_role",
                "Ce contact tient encore un rôle : désignez quelqu'un d'autre avant de l'archiver.",
            ));
        }
        tx.execute(
            query("UPDATE contacts SET archived_at = $1, updated_at = $1 WHERE id = $2")
                .bind(crate::infra::clock::now())
                .bind(id),
        )
        .await?;
        let after = load_contact(&mut tx, id).await?;
        commit_with(
            tx,
            ctx,
            Event::new("contact", id, "contact.archived")
                .by(Some(before.organisation_id))
                .before(&before)
                .after(&after),
        )
        .await?;
        Ok(after)
    }

    pub async fn roles(&self, _ctx: &AccessContext, organisation_id: Uuid) -> Result<Vec<RoleAssignment>> {
        let mut db = self.pool.clone();
        load_organisation(&mut db, organisation_id).await?;
        let rows = db
            .fetch_all(
                query(
                    "SELECT id FROM contact_roles WHERE organisation_id = $1 AND archived_at IS NULL ORDER BY role, id",
                )
                .bind(organisation_id),
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(load_role(&mut db, r.get("id")?).await?);
        }
        Ok(out)
    }

    /// Names the holder of a role and, optionally, a substitute; both are contacts of the organisation.
    pub async fn assign_role(
        &self,
        ctx: &AccessContext,
        organisation_id: Uuid,
        role: ContactRole,
        holder_id: Uuid,
        substitute_id: Option<Uuid>,
    ) -> Result<RoleAssignment> {
        let mut tx = self.pool.begin().await?;
        load_organisation(&mut tx, organisation_id).await?;
        require_admin(ctx, organisation_id)?;
        check_role_contacts(&mut tx, organisation_id, holder_id, substitute_id).await?;
        let id = Uuid::new_v4();
        let now = crate::infra::clock::now();
        tx.execute(
            query(
                "INSERT INTO contact_roles (id, organisation_id, role, holder_id, substitute_id, holder_absent, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(id)
            .bind(organisation_id)
            .bind(role.code())
            .bind(holder_id)
            .bind(substitute_id)
            .bind(false)
            .bind(now),
        )
        .await?;
        let assignment = load_role(&mut tx, id).await?;
        commit_with(
            tx,
            ctx,
            Event::new("contact_role", id, "role.assigned")
                .by(Some(organisation_id))
                .after(&assignment),
        )
        .await?;
        Ok(assignment)
    }

    /// Changes the holder, the substitute or the holder's absence.
    pub async fn update_role(
        &self,
        ctx: &AccessContext,
        id: Uuid,
        holder_id: Uuid,
        substitute_id: Option<Uuid>,
        holder_absent: bool,
    ) -> Result<RoleAssignment> {
        let mut tx = self.pool.begin().await?;
        let before = load_role(&mut tx, id).await?;
        require_admin(ctx, before.organisation_id)?;
        check_role_contacts(&mut tx, before.organisation_id, holder_id, substitute_id).await?;
        tx.execute(
            query(
                "UPDATE contact_roles SET holder_id = $1, substitute_id = $2, holder_absent = $3, updated_at = $4 \
                 WHERE id = $5",
            )
            .bind(holder_id)
            .bind(substitute_id)
            .bind(holder_absent)
            .bind(crate::infra::clock::now())
            .bind(id),
        )
        .await?;
        let after = load_role(&mut tx, id).await?;
        commit_with(
            tx,
            ctx,
            Event::new("contact_role", id, "role.updated")
                .by(Some(before.organisation_id))
                .before(&before)
                .after(&after),
        )
        .await?;
        Ok(after)
    }
}

async fn check_role_contacts(
    tx: &mut Tx,
    organisation_id: Uuid,
    holder_id: Uuid,
    substitute_id: Option<Uuid>,
) -> Result<()> {
    for (field, id) in [("holder_id", Some(holder_id)), ("substitute_id", substitute_id)] {
        let Some(id) = id else { continue };
        let c = load_contact(tx, id).await.map_err(|_| {
            StoreError::Invalid(Invalid::new("contact_not_found", "Ce contact n'existe pas.").on(field))
        })?;
        if c.organisation_id != organisation_id || c.archived {
            return Err(StoreError::Invalid(
                Invalid::new(
                    "contact_not_in_organisation",
                    "Le titulaire et le suppléant doivent être des contacts actifs de la structure.",
                )
                .on(field),
            ));
        }
    }
    if substitute_id == Some(holder_id) {
        return Err(StoreError::Invalid(
            Invalid::new(
                "substitute_is_holder",
                "Le suppléant doit être une autre personne que le titulaire.",
            )
            .on("substitute_id"),
        ));
    }
    Ok(())
}

async fn load_role(ex: &mut impl Executor, id: Uuid) -> Result<RoleAssignment> {
    let r = ex
        .fetch_optional(
            query("SELECT id, organisation_id, role, holder_id, substitute_id, holder_absent FROM contact_roles WHERE id = $1")
                .bind(id),
        )
        .await?
        .ok_or(StoreError::not_found("rôle"))?;
    let role = ContactRole::parse(&r.get::<String>("role")?)?;
    let holder = load_contact(ex, r.get("holder_id")?).await?;
    let substitute = match r.get::<Option<Uuid>>("substitute_id")? {
        Some(s) => Some(load_contact(ex, s).await?),
        None => None,
    };
    let holder_absent: bool = r.get("holder_absent")?;
    let acting = domain::acting_contact(holder.clone(), substitute.clone(), holder_absent);
    Ok(RoleAssignment {
        id: r.get("id")?,
        organisation_id: r.get("organisation_id")?,
        role,
        role_label: role.label(),
        holder,
        substitute,
        holder_absent,
        acting,
    })
}
