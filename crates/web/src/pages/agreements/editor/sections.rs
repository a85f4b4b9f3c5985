//! The drafting sections of an agreement's page, in the order of the checklist, and the texts' form.

use super::forms::{
    Choices, annex_form, axis_form, correspondent_form, form, not_applicable_form, party_forms, sheet_form,
    targets_form,
};
use super::{
    Choice, EditError, EditForm, Field, Group, Kind, Part, Section, area, date_field, field, hint, lines, place_error,
    text,
};

use passerelle_domain::agreements::AgreementKind;
use passerelle_domain::agreements::content::{ActionSheet, AgreementContent, Annex, Axis, Correspondent};
use passerelle_store::agreements::SteeringMeeting;
/// The drafting forms of the agreement, by section, the failed one showing its error.
pub fn sections(
    c: &AgreementContent,
    kind: AgreementKind,
    action: &str,
    choices: &Choices,
    error: Option<&EditError>,
) -> Vec<Section> {
    let mut axes = Vec::new();
    for (a, axis) in c.axes.iter().enumerate() {
        axes.push(axis_form(Part::Axis(a), action, axis.title.clone(), axis, false));
        for (s, sheet) in axis.sheets.iter().enumerate() {
            axes.push(sheet_form(
                c,
                kind,
                Part::Sheet(a, s),
                action,
                sheet.title.clone(),
                sheet,
                false,
            ));
        }
        axes.push(sheet_form(
            c,
            kind,
            Part::Sheet(a, axis.sheets.len()),
            action,
            format!("Ajouter une fiche action à « {} »", axis.title),
            &ActionSheet::default(),
            true,
        ));
    }
    axes.push(axis_form(
        Part::Axis(c.axes.len()),
        action,
        "Ajouter un axe".into(),
        &Axis::default(),
        true,
    ));
    let mut correspondents: Vec<EditForm> = c
        .correspondents
        .iter()
        .enumerate()
        .map(|(i, k)| correspondent_form(c, choices.contacts, Part::Correspondent(i), action, k, false))
        .collect();
    let new = Correspondent {
        party: c.parties.first().map(|p| p.organisation_id).unwrap_or_default(),
        ..Default::default()
    };
    correspondents.push(correspondent_form(
        c,
        choices.contacts,
        Part::Correspondent(c.correspondents.len()),
        action,
        &new,
        true,
    ));
    let mut annexes: Vec<EditForm> = c
        .annexes
        .iter()
        .enumerate()
        .map(|(i, a)| annex_form(Part::Annex(i), action, a.title.clone(), a, false))
        .collect();
    annexes.push(annex_form(
        Part::Annex(c.annexes.len()),
        action,
        "Ajouter une annexe".into(),
        &Annex::default(),
        true,
    ));
    let presets = kind.legal_reference_presets();
    let mut preset_form = form(
        Part::Presets,
        action,
        "Visas proposés pour ce type de convention".into(),
        Vec::new(),
        false,
    );
    preset_form.save = "Ajouter les visas proposés qui manquent";
    preset_form.remove = None;
    let mut out = vec![
        Section {
            anchor: "redaction-parties",
            title: "Parties et représentants",
            intro: "Chaque partie est nommée avec la personne qui signe pour elle et sa qualité.".into(),
            forms: party_forms(c, action, choices),
        },
        Section {
            anchor: "redaction-visas",
            title: "Visas proposés",
            intro: if presets.is_empty() {
                "Aucun visa n'est proposé pour ce type de convention ; écrivez-les dans le champ « Visas » ci-dessus."
                    .into()
            } else {
                format!("Proposés : {}.", presets.join(" ; "))
            },
            forms: if presets.is_empty() {
                Vec::new()
            } else {
                vec![preset_form]
            },
        },
        Section {
            anchor: "redaction-axes",
            title: "Axes et fiches action",
            intro:
                "Chaque fiche action porte ses objectifs, sa mise en œuvre, les engagements de chaque partie et ses \
                    indicateurs avec le fournisseur de leurs données."
                    .into(),
            forms: axes,
        },
        Section {
            anchor: "redaction-correspondants",
            title: "Correspondants et suppléants",
            intro: "Choisissez les personnes parmi les contacts de l'annuaire de chaque partie.".into(),
            forms: correspondents,
        },
        Section {
            anchor: "redaction-annexes",
            title: "Annexes",
            intro: "Feuille de route datée, grille d'éligibilité, procédures ; le tableau des indicateurs est annexé \
                    d'office à partir des fiches action."
                .into(),
            forms: annexes,
        },
        Section {
            anchor: "redaction-objectifs",
            title: "Objectifs chiffrés",
            intro: "Indicateur, période et valeur cible (Questions incontournables ESAT – SPE question 12).".into(),
            forms: vec![targets_form(c, action)],
        },
        Section {
            anchor: "redaction-sans-objet",
            title: "Éléments sans objet",
            intro:
                "Un élément de la liste de contrôle qui ne s'applique pas à cette convention est déclaré sans objet, \
                    avec son motif."
                    .into(),
            forms: vec![not_applicable_form(c, kind, action, choices.checklist)],
        },
    ];
    if let Some(e) = error {
        for s in &mut out {
            place_error(&mut s.forms, e);
        }
    }
    out
}

/// The form's anchor that fills a checklist item.
pub fn anchor_of(item: &str) -> String {
    match item {
        "parties_represented" => "redaction-parties".into(),
        "axes"
        | "sheets_complete"
        | "reciprocity"
        | "indicators"
        | "indicator_providers"
        | "mutual_knowledge"
        | "thematic_axes"
        | "worker_situations" => "redaction-axes".into(),
        "correspondents" | "substitutes" => "redaction-correspondants".into(),
        "roadmap" => "redaction-annexes".into(),
        "targets" => "redaction-objectifs".into(),
        "parent" => "redaction-sans-objet".into(),
        "steering" => "texts-steering-committee".into(),
        "duration" => "texts-starts-on".into(),
        "annual_review" => "texts-review".into(),
        "notice" => "texts-notice-months".into(),
        "lapse" => "texts-lapse-conditions".into(),
        "target_public" => "texts-target-public".into(),
        other => format!("texts-{}", other.replace('_', "-")),
    }
}

/// The avenant form's choice of the held steering committee's meeting that proposed it (a regional
/// agreement's, Accord régional de coopération Bourgogne-Franche-Comté (2016), article 5), newest first.
pub fn steering_meeting_field(key: &str, meetings: &[SteeringMeeting]) -> Field {
    let options = meetings.iter().map(|m| Choice {
        value: m.id.to_string(),
        label: format!(
            "{} – réunion du {}",
            m.committee_name,
            passerelle_domain::french::date(m.held_on)
        ),
        chosen: false,
    });
    let none = Choice {
        value: String::new(),
        label: "Choisir la réunion".into(),
        chosen: true,
    };
    let select = Kind::Select(vec![Group {
        label: String::new(),
        options: std::iter::once(none).chain(options).collect(),
    }]);
    let help = if meetings.is_empty() {
        "aucune réunion tenue du comité de pilotage de cet accord : enregistrez d'abord, dans la gouvernance, la \
         réunion qui propose l'avenant et ses présences"
    } else {
        "un accord régional est modifié sur proposition de son comité de pilotage"
    };
    hint(
        field(
            key,
            "committee_meeting_id",
            "Réunion du comité de pilotage qui le propose",
            "",
            select,
        ),
        help,
    )
}

/// The texts of a convention (a draft, or the next version for an avenant), as one form.
pub fn texts_form(key: &str, action: &str, c: &AgreementContent, avenant: bool) -> EditForm {
    let k = key;
    let mut fields = Vec::new();
    if avenant {
        fields.push(text(k, "reason", "Objet de l'avenant", ""));
        fields.push(hint(
            text(k, "on", "Date de la proposition", ""),
            "JJ/MM/AAAA ; aujourd'hui si vide",
        ));
    }
    fields.extend([
        text(k, "title", "Titre", &c.title),
        lines(k, "legal_references", "Visas « Vu … »", &c.legal_references),
        area(k, "preamble", "Préambule", &c.preamble),
        area(k, "object", "Objet", &c.object),
        hint(
            area(
                k,
                "territorial_approach",
                "Approche territoriale",
                &c.territorial_approach,
            ),
            "tête de réseau consultée, échelle départementale, autres structures contactées (Questions incontournables ESAT – SPE)",
        ),
        area(k, "target_public", "Public visé", &c.target_public),
        area(
            k,
            "entry_modalities",
            "Modalités d'entrée en parcours",
            &c.entry_modalities,
        ),
        area(k, "service_offers", "Offres de service mobilisées", &c.service_offers),
        area(k, "tracking_tools", "Outils de suivi individuel", &c.tracking_tools),
        area(k, "exit_anticipation", "Anticipation des sorties", &c.exit_anticipation),
        area(k, "deployment", "Modalités de déploiement", &c.deployment),
        text(k, "steering_committee", "Instance de pilotage", &c.steering.committee),
        hint(
            text(k, "steering_frequency", "Fréquence du pilotage", &c.steering.frequency),
            "par exemple : au moins deux fois par an",
        ),
        area(
            k,
            "steering_composition",
            "Composition du pilotage",
            &c.steering.composition,
        ),
        area(
            k,
            "steering_organisation",
            "Organisation du pilotage",
            &c.steering.organisation,
        ),
        area(k, "communication", "Communication", &c.communication),
        date_field(k, "starts_on", "Début", c.duration.starts_on),
        date_field(k, "ends_on", "Fin", c.duration.ends_on),
        area(k, "review", "Examen annuel", &c.duration.review),
        area(k, "renewal", "Reconduction", &c.duration.renewal),
        area(k, "amendment", "Modification par avenant", &c.amendment),
        hint(
            text(
                k,
                "notice_months",
                "Préavis de dénonciation (mois)",
                &c.notice_months.to_string(),
            ),
            "de 0 à 24",
        ),
        lines(k, "lapse_conditions", "Conditions de caducité", &c.lapse_conditions),
    ]);
    EditForm {
        key: key.to_owned(),
        legend: if avenant {
            "Contenu de la nouvelle version".into()
        } else {
            "Textes de la convention".into()
        },
        action: action.to_owned(),
        hidden: Vec::new(),
        fields,
        save: if avenant {
            "Proposer l'avenant"
        } else {
            "Enregistrer le brouillon"
        },
        remove: None,
        error: None,
    }
}
