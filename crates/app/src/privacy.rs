//! The person's right of access (GDPR article 15): everything the caller's organisations hold about them, as
//! a record or as a PDF to hand over.
//!
//! The file is read part by part, each part through the same access rules and journal as its own page; the
//! store's reads each open their own transaction, so the parts are not one snapshot yet.

use crate::{AppError, Download};
use passerelle_documents::pdf::{self, Paragraph};
use passerelle_domain::calendar::french_date;
use passerelle_store::privacy::person_file::PersonFile;
use passerelle_store::{AccessContext, Store};
use serde_json::Value;
use uuid::Uuid;

/// Everything held about a person the caller follows; the export is journaled (`person_file.read`).
pub async fn person_file(store: &Store, ctx: &AccessContext, id: Uuid) -> Result<PersonFile, AppError> {
    Ok(store.person_file(ctx, id).await?)
}

/// The person's file as a PDF, for the API and the person's page.
pub async fn person_file_pdf(store: &Store, ctx: &AccessContext, id: Uuid) -> Result<Download, AppError> {
    let file = person_file(store, ctx, id).await?;
    Ok(Download::pdf(
        format!("donnees-{id}.pdf"),
        pdf::render(&paragraphs(&file)),
    ))
}

/// The sections of the file, in the order a person reads them.
const SECTIONS: &[(&str, &str)] = &[
    ("person", "Identité et coordonnées"),
    ("diagnoses", "Diagnostics d'éligibilité"),
    ("prescriptions", "Prescriptions et fiches navette"),
    ("approval", "PASS IAE ou agrément"),
    ("employment", "Contrats et mises à disposition"),
    ("follow_up", "Accompagnement et sortie"),
    ("pathway", "Parcours : IAE, ESAT, immersions et emploi"),
    ("esat", "Travail en ESAT"),
    ("immersions", "Périodes de mise en situation en milieu professionnel"),
    ("supported", "Emploi accompagné"),
    ("skills_record", "Carnet de parcours et de compétences"),
    ("simulations", "Simulations de droits (AAH, prime d'activité)"),
    ("journal", "Journal des opérations sur la fiche"),
];

/// The whole file as paragraphs: each field on its line, nothing left out (the PDF says what the JSON says).
fn paragraphs(file: &PersonFile) -> Vec<Paragraph> {
    let value = serde_json::to_value(file).unwrap_or(Value::Null);
    let mut out = vec![
        Paragraph::title(format!(
            "Données détenues sur {} {}",
            file.person.first_name, file.person.last_name
        )),
        Paragraph::text(format!(
            "Export établi le {} par Passerelle au titre du droit d'accès (RGPD, article 15) : tout ce que les \
             structures qui vous suivent ont enregistré à votre sujet.",
            french_date(file.generated_at.date())
        )),
    ];
    for (key, title) in SECTIONS {
        out.push(Paragraph::heading(*title));
        let before = out.len();
        fields(&value[*key], "", &mut out);
        if out.len() == before {
            out.push(Paragraph::text("Aucune donnée."));
        }
    }
    out
}

fn fields(value: &Value, label: &str, out: &mut Vec<Paragraph>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (key, v) in map {
                let name = key.replace('_', " ");
                let label = if label.is_empty() {
                    name
                } else {
                    format!("{label} / {name}")
                };
                fields(v, &label, out);
            }
        }
        Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                fields(item, &format!("{label} {}", n + 1), out);
            }
        }
        Value::String(s) => out.push(Paragraph::text(format!("{label} : {s}"))),
        other => out.push(Paragraph::text(format!("{label} : {other}"))),
    }
}
