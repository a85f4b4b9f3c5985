//! The immersion convention (PMSMP) as a PDF: its parties, object, dates, schedule and each party's signature,
//! after the model convention (Code du travail, art. D5135-2, cerfa n° 13912). A draft or a convention awaiting
//! signatures is printed with « Projet » in its subtitle and blank signature dates.

use crate::{AppError, Download};
use passerelle_documents::{Block, Document, Format, Signature, french};
use passerelle_domain::calendar::french_date;
use passerelle_domain::pathways::esat::french_hours;
use passerelle_domain::pathways::immersion::convention::WEEKDAY_NAMES;
use passerelle_domain::pathways::immersion::{Party, Status};
use passerelle_store::pathways::immersion::Immersion;
use passerelle_store::{AccessContext, Store};
use uuid::Uuid;

/// The convention laid out as a document.
pub fn convention_document(i: &Immersion) -> Document {
    let person = format!("{} {}", i.first_name, i.last_name);
    let schedule: Vec<String> = i
        .schedule
        .0
        .iter()
        .enumerate()
        .filter(|(_, m)| **m > 0)
        .map(|(d, m)| format!("{} {}", WEEKDAY_NAMES[d], french_hours(*m)))
        .collect();
    let mut blocks = vec![
        Block::Paragraph(
            "Période de mise en situation en milieu professionnel (Code du travail, art. L5135-1 et suivants)".into(),
        ),
        Block::Paragraph("Entre :".into()),
        Block::Bullet(format!("{person}, bénéficiaire ;")),
        Block::Bullet(format!(
            "{} (SIRET {}), structure d'accueil, représentée par son tuteur {} ;",
            i.host_name, i.host_siret, i.tutor_name
        )),
        Block::Bullet(format!("{}, prescripteur ;", i.prescriber_name)),
        Block::Bullet(format!("{}, structure d'accompagnement.", i.support_structure_name)),
        Block::Heading("Article 1 : Objet".into()),
        Block::Paragraph(i.objective_label.into()),
        Block::Heading("Article 2 : Dates et horaires".into()),
        Block::Paragraph(format!(
            "Du {} au {} : {} jours, dont {} jours de présence.",
            french_date(i.starts_on),
            french_date(i.ends_on),
            i.days,
            i.attendance_days
        )),
    ];
    if !i.attendance_dates.is_empty() {
        let days: Vec<String> = i.attendance_dates.iter().map(|d| french_date(*d)).collect();
        blocks.push(Block::Paragraph(format!("Jours de présence : {}.", days.join(", "))));
    }
    if let Some(c) = i.aided_contract {
        blocks.push(Block::Paragraph(format!(
            "Contrat aidé de la personne : {}, du {} au {}.",
            c.kind.label(),
            french_date(c.starts_on),
            french_date(c.ends_on)
        )));
    }
    blocks.extend([Block::Paragraph(format!(
        "Chaque semaine : {} ({} par semaine).",
        schedule.join(", "),
        french_hours(i.weekly_minutes)
    ))]);
    if let Some(a) = &i.activities {
        blocks.push(Block::Heading("Article 3 : Activités confiées".into()));
        blocks.push(Block::Paragraph(a.clone()));
    }
    blocks.push(Block::Heading("Règles de durée".into()));
    blocks.push(Block::Paragraph(i.explanation.clone()));
    let signatures = Party::ALL
        .iter()
        .map(|party| {
            let signed = i.signatures.iter().find(|s| s.party == *party);
            let (expected, organisation) = match party {
                Party::Beneficiary => (person.clone(), person.clone()),
                Party::HostCompany => (i.tutor_name.clone(), i.host_name.clone()),
                Party::Prescriber => (String::new(), i.prescriber_name.clone()),
                Party::SupportStructure => (String::new(), i.support_structure_name.clone()),
            };
            Signature {
                party: french(&format!("{} : {organisation}", party.label())),
                representative: signed.map_or(expected, |s| s.signer_name.clone()),
                capacity: signed.map_or_else(
                    || "signature attendue".to_owned(),
                    |s| format!("signature {}", s.method_label),
                ),
                signed_on: signed.map(|s| s.signed_on),
            }
        })
        .collect();
    let draft = matches!(i.status, Status::Draft | Status::AwaitingSignatures);
    Document {
        title: "Convention d'immersion professionnelle".into(),
        subtitle: french(&format!(
            "{}{person} chez {}",
            if draft { "Projet – " } else { "" },
            i.host_name
        )),
        blocks: blocks
            .into_iter()
            .map(|b| match b {
                Block::Heading(t) => Block::Heading(french(&t)),
                Block::Bullet(t) => Block::Bullet(french(&t)),
                Block::Paragraph(t) => Block::Paragraph(french(&t)),
                other => other,
            })
            .collect(),
        signatures,
    }
}

/// The convention `id` as a PDF, for a caller who sees it (its prescriber, support structure or host); the read
/// is journaled by the store.
pub async fn convention_pdf(store: &Store, ctx: &AccessContext, id: Uuid) -> Result<Download, AppError> {
    let i = store.immersions(ctx).get(id).await?;
    Ok(Download::pdf(
        format!("convention-immersion-{}.pdf", i.id),
        passerelle_documents::render(&convention_document(&i), Format::Pdf),
    ))
}
