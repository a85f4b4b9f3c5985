//! The individual support convention of an entry: signed by the person and the scheme, joined by the employer
//! once the person is hired.

use super::{SupportedRecord, employer_key};
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::idempotency::IdempotencyKey;
use crate::infra::sql::{Executor, query};
use crate::{Store, today};
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::supported::{ConventionState, EmployerInput};
use passerelle_domain::text::optional;
use time::Date;
use uuid::Uuid;

impl Store {
    /// The individual support convention of an entry: the person, the scheme and the employer if any.
    pub async fn sign_supported_convention(
        &self,
        ctx: &AccessContext,
        entry_id: Uuid,
        signed_on: Date,
        employer: Option<&str>,
        key: Option<IdempotencyKey>,
    ) -> Result<SupportedRecord> {
        let employer = optional("employer", employer, 200)?;
        let mut change = self.entry_change(ctx, entry_id).await?;
        if signed_on < change.entry.entered_on {
            return Err(Invalid::new(
                "convention_before_entry",
                "La convention individuelle se signe à l'entrée dans le dispositif ou après.",
            )
            .on("signed_on")
            .into());
        }
        let inserted = change
            .tx
            .execute(
                query(
                    "INSERT INTO supported_conventions (id, entry_id, signed_on, employer, employer_key, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(Uuid::new_v4())
                .bind(entry_id)
                .bind(signed_on)
                .bind(&employer)
                .bind(employer.as_deref().map(|e| employer_key(e, None)))
                .bind(crate::infra::clock::now()),
            )
            .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(StoreError::conflict(
                    "convention_exists",
                    "La convention individuelle de cette entrée est déjà enregistrée.",
                ));
            }
            other => other?,
        };
        let after = serde_json::json!({"entry": entry_id, "signed_on": signed_on, "employer": employer});
        self.end_change(ctx, change, "supported.convention_signed", after, key)
            .await
    }

    /// The employer joins the individual convention signed before the person worked (or a new employer
    /// replaces the one who left) on the day it is named ([`EmployerInput::validate`]): the convention is the
    /// person's, the scheme's and, once hired, the employer's. The journal keeps the employer before.
    pub async fn add_supported_convention_employer(
        &self,
        ctx: &AccessContext,
        entry_id: Uuid,
        input: &EmployerInput,
    ) -> Result<SupportedRecord> {
        let mut change = self.entry_change(ctx, entry_id).await?;
        let Some(convention) = change.entry.convention.clone() else {
            return Err(StoreError::conflict(
                "convention_missing",
                "Enregistrez d'abord la convention individuelle : l'employeur la rejoint ensuite.",
            ));
        };
        let joining = input.validate(ConventionState {
            signed_on: convention.signed_on,
            employer: convention.employer.as_deref(),
            exited_on: change.entry.exited_on,
            today: today(),
        })?;
        change
            .tx
            .execute(
                query(
                    "UPDATE supported_conventions SET employer = $1, employer_key = $2, employer_joined_on = $3 \
                     WHERE entry_id = $4",
                )
                .bind(joining.employer.as_str())
                .bind(employer_key(&joining.employer, None))
                .bind(joining.joined_on)
                .bind(entry_id),
            )
            .await?;
        let after = serde_json::json!({"entry": entry_id, "employer": joining.employer, "joined_on": joining.joined_on,
            "employer_before": convention.employer, "joined_on_before": convention.employer_joined_on});
        self.end_change(ctx, change, "supported.convention_employer_added", after, None)
            .await
    }
}
