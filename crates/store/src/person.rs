//! Persons on a pathway. A person is visible only to the organisations that follow them (and to
//! platform administrators); every read is written in the journal. Only organisations of a kind that holds
//! names ([`OrganisationKind::holds_names`]) record, follow and so see persons: the store refuses the others
//! and its queries ignore a follower of such a kind.
//!
//! The only way in is [`Store::persons`], which hands out a [`PersonScope`] bound to the caller's context;
//! every query of the scope filters on the caller's organisations in SQL.

pub mod history;
pub mod simulations;

use crate::Store;
use crate::access::AccessContext;
use crate::directory::push_in;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, journal_reads, record};
use crate::infra::paging::{Page, fetch_page, push_search};
use crate::infra::sql::{Executor, Query, Row, query};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::person::{Identity, PersonFields, PersonInput, possible_duplicate};
use passerelle_domain::text::fold;
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Person {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: Option<Date>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub commune: Option<String>,
    pub consent_data_sharing: bool,
    pub consent_date: Option<Date>,
    pub created_by_organisation_id: Uuid,
    pub followers: Vec<Follower>,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Follower {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub kind: OrganisationKind,
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

/// What asking to create a person gives.
#[derive(Debug)]
pub enum Creation {
    Created(Person),
    /// Nothing was written: persons the caller follows may be this one ([`Identity::may_be`]); the caller opens
    /// one of them or confirms that it is someone else ([`PersonScope::create`]).
    PossibleDuplicates {
        why: Invalid,
        persons: Vec<Person>,
    },
}

impl Person {
    fn identity(&self) -> Identity<'_> {
        Identity {
            first_name: &self.first_name,
            last_name: &self.last_name,
            birth_date: self.birth_date,
        }
    }

    /// The raw fields, to merge a partial change into before validating again.
    pub fn to_input(&self) -> PersonInput {
        PersonInput {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            birth_date: self.birth_date,
            email: self.email.clone(),
            phone: self.phone.clone(),
            address_line: self.address_line.clone(),
            postal_code: self.postal_code.clone(),
            commune: self.commune.clone(),
            consent_data_sharing: self.consent_data_sharing,
            consent_date: self.consent_date,
        }
    }
}

const PERSON_COLUMNS: &str = "p.id, p.first_name, p.last_name, p.birth_date, p.email, p.phone, p.address_line, \
    p.postal_code, p.commune, p.consent_data_sharing, p.consent_date, p.created_by_organisation_id";

fn person(r: &Row) -> Result<Person> {
    Ok(Person {
        id: r.get("id")?,
        first_name: r.get("first_name")?,
        last_name: r.get("last_name")?,
        birth_date: r.get("birth_date")?,
        email: r.get("email")?,
        phone: r.get("phone")?,
        address_line: r.get("address_line")?,
        postal_code: r.get("postal_code")?,
        commune: r.get("commune")?,
        consent_data_sharing: r.get("consent_data_sharing")?,
        consent_date: r.get("consent_date")?,
        created_by_organisation_id: r.get("created_by_organisation_id")?,
        followers: Vec::new(),
    })
}

async fn attach_followers(ex: &mut impl Executor, persons: &mut [Person]) -> Result<()> {
    if persons.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = persons.iter().map(|p| p.id).collect();
    let mut q = query(
        "SELECT f.person_id, f.organisation_id, o.name, o.kind, f.since FROM person_followers f \
         JOIN organisations o ON o.id = f.organisation_id WHERE",
    );
    push_in(&mut q, "f.person_id", &ids);
    q.push_sql(" ORDER BY f.since, o.name");
    for r in ex.fetch_all(q).await? {
        let id: Uuid = r.get("person_id")?;
        if let Some(p) = persons.iter_mut().find(|p| p.id == id) {
            p.followers.push(Follower {
                organisation_id: r.get("organisation_id")?,
                organisation_name: r.get("name")?,
                kind: OrganisationKind::parse(&r.get::<String>("kind")?)?,
                since: r.get("since")?,
            });
        }
    }
    Ok(())
}

/// The persons one caller may see.
pub struct PersonScope<'a> {
    store: &'a Store,
    ctx: &'a AccessContext,
}

impl Store {
    pub fn persons<'a>(&'a self, ctx: &'a AccessContext) -> PersonScope<'a> {
        PersonScope { store: self, ctx }
    }
}

impl PersonScope<'_> {
    /// Restricts `q` (which selects from `persons p`) to the persons the caller may see.
    fn restrict(&self, q: &mut Query) {
        if self.ctx.is_platform_admin() {
            return;
        }
        match self.ctx.user_id() {
            Some(user) => {
                q.push_bound(
                    " AND EXISTS (SELECT 1 FROM person_followers f JOIN memberships m \
                     ON m.organisation_id = f.organisation_id JOIN organisations fo ON fo.id = f.organisation_id \
                     WHERE f.person_id = p.id AND m.user_id = {}",
                    user,
                );
                q.push_sql(&format!(" AND fo.kind IN ({}))", name_holder_kinds()));
            }
            None => q.push_sql(" AND 1 = 0"),
        }
    }

    pub(crate) async fn load(&self, ex: &mut impl Executor, id: Uuid) -> Result<Person> {
        let mut q = query(format!(
            "SELECT {PERSON_COLUMNS} FROM persons p WHERE p.archived_at IS NULL"
        ));
        q.push_bound(" AND p.id = {}", id);
        self.restrict(&mut q);
        let row = ex.fetch_optional(q).await?.ok_or(StoreError::not_found("personne"))?;
        let mut p = [person(&row)?];
        attach_followers(ex, &mut p).await?;
        let [p] = p;
        Ok(p)
    }

    /// One person, with a `person.read` event; 404 when out of scope, so that existence does not leak.
    pub async fn get(&self, id: Uuid) -> Result<Person> {
        let mut tx = self.store.pool.begin_read().await?;
        let p = self.load(&mut tx, id).await?;
        tx.commit().await?;
        journal_reads(
            &self.store.pool,
            self.ctx,
            vec![Event::new("person", id, "person.read")],
        )
        .await?;
        Ok(p)
    }

    /// The persons in scope, filtered by words of their name; the read is journaled with the ids shown.
    pub async fn list(&self, text: Option<&str>, page: u32, per_page: u32) -> Result<Page<Person>> {
        let mut filter = query(" FROM persons p WHERE p.archived_at IS NULL");
        self.restrict(&mut filter);
        push_search(&mut filter, "p.search_text", text);
        let mut tx = self.store.pool.begin_read().await?;
        let (rows, total, page, per_page) = fetch_page(
            &mut tx,
            filter,
            PERSON_COLUMNS,
            "p.last_name, p.first_name, p.id",
            page,
            per_page,
        )
        .await?;
        let mut items = rows.iter().map(person).collect::<Result<Vec<_>>>()?;
        attach_followers(&mut tx, &mut items).await?;
        tx.commit().await?;
        if !items.is_empty() {
            let ids: Vec<Uuid> = items.iter().map(|p| p.id).collect();
            let listed = Event::new("persons", Uuid::nil(), "person.listed").after(&ids);
            journal_reads(&self.store.pool, self.ctx, vec![listed]).await?;
        }
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }

    /// Creates a person followed by `organisation_id`, one of the caller's organisations, unless persons the caller
    /// already follows may be the same one: then nothing is written and they are returned (their reading journaled
    /// like any other). Persons the caller does not follow are not looked at, so that the answer tells nothing
    /// about who others follow. The check and the creation are one write transaction: two identical creations at
    /// once cannot both pass it.
    pub async fn create_unless_known(&self, organisation_id: Uuid, f: PersonFields) -> Result<Creation> {
        self.may_create(organisation_id)?;
        let mut tx = self.store.pool.begin().await?;
        let known = self.possible_duplicates(&mut tx, &f).await?;
        if let (false, Some(birth_date)) = (known.is_empty(), f.birth_date) {
            tx.commit().await?;
            let events = known
                .iter()
                .map(|p| Event::new("person", p.id, "person.read"))
                .collect();
            journal_reads(&self.store.pool, self.ctx, events).await?;
            return Ok(Creation::PossibleDuplicates {
                why: possible_duplicate(birth_date, known.len()),
                persons: known,
            });
        }
        let p = self.insert(&mut tx, organisation_id, &f).await?;
        tx.commit().await?;
        Ok(Creation::Created(p))
    }

    /// Creates a person followed by `organisation_id`, one of the caller's organisations, without looking for
    /// the same person (the caller confirmed that it is someone else). State services and networks work with
    /// indicators and never hold names.
    pub async fn create(&self, organisation_id: Uuid, f: PersonFields) -> Result<Person> {
        self.may_create(organisation_id)?;
        let mut tx = self.store.pool.begin().await?;
        let p = self.insert(&mut tx, organisation_id, &f).await?;
        tx.commit().await?;
        Ok(p)
    }

    fn may_create(&self, organisation_id: Uuid) -> Result<()> {
        let membership = self.ctx.membership(organisation_id).ok_or_else(|| {
            StoreError::forbidden(
                "not_a_member",
                "Vous ne pouvez créer une personne qu'au nom de votre structure.",
            )
        })?;
        holds_names(membership.kind)
    }

    /// The persons in scope born the same day whose names may be the same ([`Identity::may_be`]).
    async fn possible_duplicates(&self, ex: &mut impl Executor, f: &PersonFields) -> Result<Vec<Person>> {
        let Some(birth_date) = f.birth_date else {
            return Ok(Vec::new());
        };
        let mut q = query(format!(
            "SELECT {PERSON_COLUMNS} FROM persons p WHERE p.archived_at IS NULL"
        ));
        q.push_bound(" AND p.birth_date = {}", birth_date);
        self.restrict(&mut q);
        q.push_sql(" ORDER BY p.last_name, p.first_name, p.id");
        let identity = Identity {
            first_name: &f.first_name,
            last_name: &f.last_name,
            birth_date: f.birth_date,
        };
        let mut known = Vec::new();
        for row in ex.fetch_all(q).await? {
            let p = person(&row)?;
            if identity.may_be(&p.identity()) {
                known.push(p);
            }
        }
        attach_followers(ex, &mut known).await?;
        Ok(known)
    }

    async fn insert(&self, tx: &mut crate::infra::sql::Tx, organisation_id: Uuid, f: &PersonFields) -> Result<Person> {
        let id = Uuid::new_v4();
        let now = crate::infra::clock::now();
        tx.execute(
            query(
                "INSERT INTO persons (id, first_name, last_name, birth_date, email, phone, address_line, postal_code, \
                 commune, consent_data_sharing, consent_date, created_by_organisation_id, search_text, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
            )
            .bind(id)
            .bind(&f.first_name)
            .bind(&f.last_name)
            .bind(f.birth_date)
            .bind(&f.email)
            .bind(&f.phone)
            .bind(&f.address_line)
            .bind(&f.postal_code)
            .bind(&f.commune)
            .bind(f.consent_data_sharing)
            .bind(f.consent_date)
            .bind(organisation_id)
            .bind(fold(&format!("{} {}", f.first_name, f.last_name)))
            .bind(now),
        )
        .await?;
        tx.execute(
            query("INSERT INTO person_followers (person_id, organisation_id, since) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(organisation_id)
                .bind(now),
        )
        .await?;
        let p = self.load(tx, id).await?;
        record(
            tx,
            self.ctx,
            Event::new("person", id, "person.created")
                .by(Some(organisation_id))
                .after(&p),
        )
        .await?;
        Ok(p)
    }

    /// Replaces a person's fields (any organisation following the person).
    pub async fn update(&self, id: Uuid, f: PersonFields) -> Result<Person> {
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        tx.execute(
            query(
                "UPDATE persons SET first_name = $1, last_name = $2, birth_date = $3, email = $4, phone = $5, \
                 address_line = $6, postal_code = $7, commune = $8, consent_data_sharing = $9, consent_date = $10, \
                 search_text = $11, updated_at = $12 WHERE id = $13",
            )
            .bind(&f.first_name)
            .bind(&f.last_name)
            .bind(f.birth_date)
            .bind(&f.email)
            .bind(&f.phone)
            .bind(&f.address_line)
            .bind(&f.postal_code)
            .bind(&f.commune)
            .bind(f.consent_data_sharing)
            .bind(f.consent_date)
            .bind(fold(&format!("{} {}", f.first_name, f.last_name)))
            .bind(crate::infra::clock::now())
            .bind(id),
        )
        .await?;
        let after = self.load(&mut tx, id).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("person", id, "person.updated").before(&before).after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Shares the person with another organisation of the pathway; needs the person's consent.
    pub async fn add_follower(&self, id: Uuid, organisation_id: Uuid) -> Result<Person> {
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        if !before.consent_data_sharing {
            return Err(StoreError::conflict(
                "consent_required",
                "La personne n'a pas donné son accord au partage de ses données : recueillez-le avant de partager son dossier.",
            ));
        }
        if before.followers.iter().any(|f| f.organisation_id == organisation_id) {
            return Err(StoreError::conflict(
                "already_following",
                "Cette structure suit déjà la personne.",
            ));
        }
        let org = crate::directory::load_organisation(&mut tx, organisation_id)
            .await
            .map_err(|_| {
                StoreError::Invalid(
                    passerelle_domain::invalid::Invalid::new("organisation_not_found", "Cette structure n'existe pas.")
                        .on("organisation_id"),
                )
            })?;
        holds_names(org.kind)?;
        if org.archived {
            return Err(passerelle_domain::invalid::Invalid::new(
                "organisation_archived",
                format!(
                    "« {} » est archivée : le dossier ne peut pas lui être partagé.",
                    org.name
                ),
            )
            .on("organisation_id")
            .into());
        }
        tx.execute(
            query("INSERT INTO person_followers (person_id, organisation_id, since) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(organisation_id)
                .bind(crate::infra::clock::now()),
        )
        .await?;
        let after = self.load(&mut tx, id).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("person", id, "person.follower_added")
                .by(Some(organisation_id))
                .before(&before)
                .after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// Refuses an organisation of a kind that holds no names, with the table's reason.
pub(crate) fn holds_names(kind: OrganisationKind) -> Result<()> {
    kind.holds_names()
        .map_err(|no| StoreError::forbidden(no.code, no.message))
}

/// The codes of the kinds that hold names, as an SQL list (constant codes from the domain, nothing bound).
fn name_holder_kinds() -> String {
    OrganisationKind::ALL
        .iter()
        .filter(|k| k.holds_names().is_ok())
        .map(|k| format!("'{}'", k.code()))
        .collect::<Vec<_>>()
        .join(", ")
}
