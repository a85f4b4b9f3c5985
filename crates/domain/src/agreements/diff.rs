//! Comparing two versions of an agreement: the content is laid out as labelled lines ("Axe 1 › Fiche action
//! 2 › Objectifs") and the lines that differ are listed, so that parties read what an avenant changed.

use super::content::AgreementContent;
use serde::Serialize;

/// The content as (label, text) lines, in reading order; labels are unique within one content.
pub fn lines(c: &AgreementContent) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |label: String, value: String| {
        if !value.trim().is_empty() {
            out.push((label, value));
        }
    };
    let party_name = |id| c.party(id).map(|p| p.name.clone()).unwrap_or_default();
    push("Titre".into(), c.title.clone());
    for p in &c.parties {
        push(format!("Partie « {} »", p.name), p.representation().unwrap_or_default());
        push(format!("Partie « {} » › Présentation", p.name), p.presentation.clone());
    }
    push("Visas".into(), c.legal_references.join("\n"));
    push("Préambule".into(), c.preamble.clone());
    push("Objet".into(), c.object.clone());
    push("Approche territoriale".into(), c.territorial_approach.clone());
    for (i, axis) in c.axes.iter().enumerate() {
        let a = format!("Axe {}", i + 1);
        push(a.clone(), axis.title.clone());
        for (j, s) in axis.sheets.iter().enumerate() {
            let f = format!("{a} › Fiche {}", j + 1);
            push(f.clone(), s.title.clone());
            push(format!("{f} › Objectifs"), s.objectives.join("\n"));
            push(format!("{f} › Mise en œuvre"), s.implementation.clone());
            for k in &s.commitments {
                push(
                    format!("{f} › Engagements – {}", party_name(k.party)),
                    k.items.join("\n"),
                );
            }
            let indicators: Vec<String> = s
                .indicators
                .iter()
                .map(|i| format!("{} ({})", i.name, i.provider))
                .collect();
            push(format!("{f} › Indicateurs"), indicators.join("\n"));
            let situations: Vec<&str> = s.situations.iter().map(|w| w.label()).collect();
            push(format!("{f} › Situations"), situations.join("\n"));
        }
    }
    push("Public visé".into(), c.target_public.clone());
    push("Modalités d'entrée".into(), c.entry_modalities.clone());
    for k in &c.correspondents {
        push(
            format!("Correspondant de {}", party_name(k.party)),
            format!("{} ({}), suppléant : {}", k.name, k.function, k.substitute_name),
        );
    }
    push("Offres de service".into(), c.service_offers.clone());
    push("Outils de suivi".into(), c.tracking_tools.clone());
    push("Anticipation des sorties".into(), c.exit_anticipation.clone());
    push("Déploiement".into(), c.deployment.clone());
    let st = &c.steering;
    push(
        "Pilotage".into(),
        [&st.committee, &st.frequency, &st.composition, &st.organisation]
            .map(|s| s.as_str())
            .join("\n"),
    );
    push("Communication".into(), c.communication.clone());
    let dates = |d: Option<time::Date>| d.map(crate::calendar::french_date).unwrap_or_default();
    push(
        "Durée".into(),
        format!("du {} au {}", dates(c.duration.starts_on), dates(c.duration.ends_on)),
    );
    push("Reconduction".into(), c.duration.renewal.clone());
    push("Examen annuel".into(), c.duration.review.clone());
    push("Modification".into(), c.amendment.clone());
    push("Préavis".into(), format!("{} mois", c.notice_months));
    push("Caducité".into(), c.lapse_conditions.join("\n"));
    for a in &c.annexes {
        let actions: Vec<String> = a.roadmap.iter().map(|r| format!("{} ({})", r.action, r.due)).collect();
        push(
            format!("Annexe « {} »", a.title),
            [a.text.clone(), actions.join("\n")].join("\n").trim().to_owned(),
        );
    }
    for t in &c.targets {
        push(
            format!("Objectif « {} »", t.indicator),
            format!("{} {} ({})", t.value, t.unit, t.period),
        );
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineChange {
    pub label: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The lines that differ between `before` and `after`, in the order of `after` then the removed ones.
pub fn diff(before: &AgreementContent, after: &AgreementContent) -> Vec<LineChange> {
    let (old, new) = (lines(before), lines(after));
    let find = |list: &[(String, String)], label: &str| list.iter().find(|(l, _)| l == label).map(|(_, v)| v.clone());
    let mut changes: Vec<LineChange> = new
        .iter()
        .filter_map(|(label, value)| {
            let was = find(&old, label);
            (was.as_deref() != Some(value.as_str())).then(|| LineChange {
                label: label.clone(),
                before: was,
                after: Some(value.clone()),
            })
        })
        .collect();
    changes.extend(
        old.iter()
            .filter(|(label, _)| find(&new, label).is_none())
            .map(|(label, value)| LineChange {
                label: label.clone(),
                before: Some(value.clone()),
                after: None,
            }),
    );
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreements::examples::samples;

    #[test]
    fn an_avenant_shows_what_it_changed() {
        let v1 = samples::regional();
        let mut v2 = v1.clone();
        v2.duration.ends_on = Some(time::macros::date!(2027 - 12 - 31));
        v2.axes[2].sheets.clear();
        v2.targets.push(crate::agreements::content::Target {
            indicator: "CTA par an".into(),
            period: "2027".into(),
            value: 4,
            unit: "réunions".into(),
        });
        let changes = diff(&v1, &v2);
        let labels: Vec<&str> = changes.iter().map(|c| c.label.as_str()).collect();
        assert!(labels.contains(&"Durée"));
        assert!(labels.contains(&"Objectif « CTA par an »"));
        assert!(labels.contains(&"Axe 3 › Fiche 1"), "{labels:?}");
        let removed = changes.iter().find(|c| c.label == "Axe 3 › Fiche 1").unwrap();
        assert!(removed.after.is_none() && removed.before.as_deref().unwrap().contains("CTA"));
        assert_eq!(
            changes.iter().find(|c| c.label == "Durée").unwrap().after.as_deref(),
            Some("du 8 décembre 2016 au 31 décembre 2027")
        );
        assert!(diff(&v1, &v1).is_empty());
    }
}
