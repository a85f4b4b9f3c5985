//! IAE pathways: the document of skills acquired and trainings followed, handed to the person at the end of
//! their pathway (accord régional IAE Bourgogne-Franche-Comté 2016, fiche action 7).

use crate::{AppError, Clock, Download};
use passerelle_documents::pdf::{self, Paragraph};
use passerelle_domain::calendar::french_date;
use passerelle_store::{AccessContext, Store};
use uuid::Uuid;

/// The skills and trainings document of a person the caller follows, as a PDF dated today.
pub async fn skills_document(
    store: &Store,
    ctx: &AccessContext,
    clock: &dyn Clock,
    person_id: Uuid,
) -> Result<Download, AppError> {
    let person = store.persons(ctx).get(person_id).await?;
    let follow = store.follow_up(ctx, person_id).await?;
    let approval = store.approval(ctx, person_id).await.ok();
    let mut doc = vec![
        Paragraph::title("Compétences acquises et formations suivies"),
        Paragraph::text(format!("{} {}", person.first_name, person.last_name)),
    ];
    if let Some(a) = &approval {
        doc.push(Paragraph::text(format!(
            "Parcours d'insertion ({}) du {} au {}, dernier employeur : {}",
            a.regime_label,
            french_date(a.start),
            french_date(a.end),
            a.employer_name
        )));
    }
    doc.push(Paragraph::heading("Compétences professionnelles et personnelles"));
    match follow.exit_reviews.last() {
        Some(x) => {
            doc.push(Paragraph::text(x.skills.clone()));
            doc.push(Paragraph::text(format!(
                "Sortie le {} : {}",
                french_date(x.exit_on),
                x.outcome_label
            )));
        }
        None => doc.push(Paragraph::text("Le bilan de sortie n'est pas encore établi.")),
    }
    doc.push(Paragraph::heading(format!(
        "Formations et actions suivies ({} heures de formation)",
        follow.training_hours
    )));
    for a in &follow.actions {
        let hours = a.hours.map(|h| format!(", {h} heures")).unwrap_or_default();
        doc.push(Paragraph::text(format!(
            "{} – {} : {}, à partir du {}{hours}",
            a.organisation_name,
            a.kind_label,
            a.title,
            french_date(a.starts_on)
        )));
    }
    doc.push(Paragraph::text(format!(
        "Document établi le {} par Passerelle, à remettre à la personne à la fin de son parcours (accord régional IAE \
         Bourgogne-Franche-Comté 2016, fiche action 7).",
        french_date(clock.today())
    )));
    Ok(Download::pdf(
        format!("competences-{}.pdf", person.id),
        pdf::render(&doc),
    ))
}
