//! The demo agreements: the Bourgogne-Franche-Comté regional agreement of seed 004 (summarised), with an
//! avenant extending it, and a CCL between the Dijon France Travail agency and the Jardins de la Combe ACI
//! that declines it, awaiting the ACI's signature.

use super::email_of;
use crate::Store;
use crate::agreements::Act;
use crate::infra::error::Result;
use passerelle_domain::agreements::AgreementKind;
use passerelle_domain::agreements::content::{Correspondent, NotApplicable, Party};
use passerelle_domain::agreements::examples::{local_cooperation, regional_bfc};
use passerelle_domain::agreements::lifecycle::Action;
use std::collections::HashMap;
use time::Date;
use time::macros::date;
use uuid::Uuid;

fn party(id: Uuid, name: &str, representative: &str, capacity: &str) -> Party {
    Party {
        organisation_id: id,
        name: name.into(),
        representative: representative.into(),
        capacity: capacity.into(),
        presentation: String::new(),
    }
}

fn step(action: Action, on: Date) -> Act {
    Act {
        action,
        on: Some(on),
        organisation_id: None,
        reason: None,
        content: None,
    }
}

/// Signs on behalf of each of `keys`, each through its own administrator's account.
async fn sign_by(store: &Store, id: Uuid, keys: &[&str], on: Date) -> Result<()> {
    for key in keys {
        let ctx = store.login_context_for(&email_of(key)).await?;
        store.agreements(&ctx).act(id, step(Action::Sign, on)).await?;
    }
    Ok(())
}

/// The contact of `organisation` whose last name is `last_name`, as a correspondent with the given substitute.
async fn correspondent(store: &Store, organisation: Uuid, holder: &str, substitute: &str) -> Result<Correspondent> {
    let ctx = store.operator_context("chargement de la démonstration");
    let contacts = store.contacts(&ctx, organisation).await?;
    let id_of = |last: &str| contacts.iter().find(|c| c.last_name == last).map(|c| c.id);
    Ok(Correspondent {
        party: organisation,
        contact_id: id_of(holder),
        substitute_contact_id: id_of(substitute),
        mission: "Relation opérationnelle et suivi des parcours.".into(),
        ..Default::default()
    })
}

pub(super) async fn load(store: &Store, ids: &HashMap<&str, Uuid>) -> Result<()> {
    let operator = store.operator_context("chargement de la démonstration");
    let scope = store.agreements(&operator);
    let regional = regional_bfc(vec![
        party(
            ids["ddets-21"],
            "L'État",
            "La préfète de la région Bourgogne-Franche-Comté",
            "Préfète de région",
        ),
        party(
            ids["ft-dt21"],
            "Pôle emploi",
            "Le directeur régional Bourgogne-Franche-Comté",
            "Directeur régional",
        ),
        party(
            ids["reseau-iae"],
            "Les réseaux de l'IAE de Bourgogne-Franche-Comté",
            "Les présidents des réseaux",
            "Présidents",
        ),
    ]);
    let mut regional = regional;
    regional.not_applicable.push(NotApplicable {
        item: "parent".into(),
        reason: "L'accord-cadre national du 10 septembre 2015 n'est pas enregistré dans Passerelle ; il est cité dans les visas."
            .into(),
    });
    let r = scope.create(AgreementKind::Regional, None, regional.clone()).await?;
    let signed = date!(2016 - 12 - 08);
    scope.act(r.id, step(Action::Submit, signed)).await?;
    sign_by(store, r.id, &["ddets-21", "ft-dt21", "reseau-iae"], signed).await?;
    let mut extended = regional;
    extended.duration.ends_on = Some(date!(2027 - 12 - 31));
    extended.parties[1].name = "France Travail".into();
    extended
        .legal_references
        .push("Vu la loi n° 2020-1577 du 14 décembre 2020 (PASS IAE)".into());
    scope
        .act(
            r.id,
            Act {
                reason: Some(
                    "Avenant n° 1 : prorogation jusqu'au 31 décembre 2027 et prise en compte du PASS IAE".into(),
                ),
                content: Some(extended),
                ..step(Action::Amend, date!(2018 - 12 - 10))
            },
        )
        .await?;

    let (agency, aci) = (ids["ft-dijon"], ids["aci-jardins"]);
    let ccl = local_cooperation(
        vec![
            party(
                agency,
                "Agence France Travail Dijon Drapeau",
                "Marc Lefèvre",
                "Directeur d'agence",
            ),
            party(aci, "Les Jardins de la Combe", "Isabelle Fournier", "Directrice"),
        ],
        vec![
            correspondent(store, agency, "Bernard", "Haddad").await?,
            correspondent(store, aci, "Girard", "Mercier").await?,
        ],
    );
    let agency_ctx = store.login_context_for(&email_of("ft-dijon")).await?;
    let c = store
        .agreements(&agency_ctx)
        .create(AgreementKind::LocalCooperation, Some(r.id), ccl)
        .await?;
    let submitted = date!(2026 - 11 - 02);
    store
        .agreements(&agency_ctx)
        .act(c.id, step(Action::Submit, submitted))
        .await?;
    sign_by(store, c.id, &["ft-dijon"], submitted).await
}
