//! Import and export of the directory in the data·inclusion "structures" format.

use crate::Store;
use crate::access::AccessContext;
use crate::directory::load_organisation;
use crate::directory::{ExternalKey, Upserted};
use crate::infra::error::Result;
use crate::infra::sql::{Executor, query};
use passerelle_domain::directory::data_inclusion::{ExportedOrganisation, ImportRow, Structure, kept_on_import};
use serde::Serialize;

/// Organisations created in Passerelle are exported under this source, with their own id.
pub const OWN_SOURCE: &str = "passerelle";

#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Store {
    /// Upserts every row in one transaction, keyed by (source, id): a re-import updates, never duplicates,
    /// and a failure leaves the database as it was. `progress` is called after each row.
    pub async fn import_structures(
        &self,
        ctx: &AccessContext,
        rows: &[ImportRow],
        progress: impl Fn(usize),
    ) -> Result<ImportReport> {
        let mut report = ImportReport::default();
        let mut tx = self.pool.begin().await?;
        for (i, row) in rows.iter().enumerate() {
            let key = ExternalKey {
                source: row.source.clone(),
                external_id: row.external_id.clone(),
            };
            let found = tx
                .fetch_optional(
                    query("SELECT id FROM organisations WHERE source = $1 AND external_id = $2")
                        .bind(&key.source)
                        .bind(&key.external_id),
                )
                .await?;
            let fields = match found {
                Some(r) => {
                    let existing = load_organisation(&mut tx, r.get("id")?).await?.to_input();
                    kept_on_import(&existing, row.organisation.clone()).validate()?
                }
                None => row.organisation.validate()?,
            };
            match self.upsert_organisation(&mut tx, ctx, &key, &fields).await?.1 {
                Upserted::Created => report.created += 1,
                Upserted::Updated => report.updated += 1,
                Upserted::Unchanged => report.unchanged += 1,
            }
            progress(i + 1);
        }
        tx.commit().await?;
        Ok(report)
    }

    /// The directory as data·inclusion structures (archived organisations left out).
    pub async fn export_structures(&self, ctx: &AccessContext) -> Result<Vec<Structure>> {
        let orgs = self.all_organisations(ctx).await?;
        Ok(orgs
            .iter()
            .map(|o| {
                let own_id = o.id.to_string();
                Structure::from_organisation(&ExportedOrganisation {
                    source: o.source.as_deref().unwrap_or(OWN_SOURCE),
                    id: o.external_id.as_deref().unwrap_or(&own_id),
                    name: &o.name,
                    kind: o.kind,
                    siret: o.siret.as_deref(),
                    finess: o.finess.as_deref(),
                    address_line: o.address_line.as_deref(),
                    postal_code: o.postal_code.as_deref(),
                    commune: &o.commune,
                    commune_code: o.commune_code.as_deref(),
                    phone: o.phone.as_deref(),
                    email: o.email.as_deref(),
                    website: o.website.as_deref(),
                    description: o.description.as_deref(),
                    updated_on: o.updated_at.date(),
                })
            })
            .collect())
    }
}
