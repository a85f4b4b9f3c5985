//! Agreements written from the seeds, for the demo territory and the tests: the Bourgogne-Franche-Comté
//! regional agreement (Accord régional BFC 2016, summarised, names as of today) and a CCL declining it (Guide de la CCL Pôle emploi – SIAE).

use super::content::*;
use time::macros::date;

fn lines(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn indicator(name: &str, provider: &str) -> Indicator {
    Indicator {
        name: name.into(),
        provider: provider.into(),
    }
}

/// One action sheet; `commitments` follow the order of `parties`.
fn sheet(
    parties: &[Party],
    title: &str,
    objectives: &[&str],
    implementation: &str,
    commitments: &[&[&str]],
    indicators: Vec<Indicator>,
) -> ActionSheet {
    ActionSheet {
        title: title.into(),
        objectives: lines(objectives),
        implementation: implementation.into(),
        commitments: parties
            .iter()
            .zip(commitments)
            .map(|(p, items)| Commitment {
                party: p.organisation_id,
                items: lines(items),
            })
            .collect(),
        indicators,
        situations: Vec::new(),
    }
}

/// Accord régional BFC 2016. `parties` are, in this order, the State, France Travail and the IAE networks.
pub fn regional_bfc(parties: Vec<Party>) -> AgreementContent {
    let p = &parties;
    let axis = |title: &str, sheets: Vec<ActionSheet>| Axis {
        title: title.into(),
        theme: None,
        sheets,
    };
    AgreementContent {
        title: "Accord régional de coopération Bourgogne-Franche-Comté".into(),
        legal_references: lines(&[
            "Vu l'accord-cadre national conclu entre l'État, Pôle emploi et les réseaux de l'IAE signé le 10 septembre 2015",
            "Vu les travaux conduits en Bourgogne-Franche-Comté par le comité technique régional et ses groupes de travail",
        ]),
        preamble: "Le présent accord régional décline l'accord-cadre national. Il a pour finalité de faciliter l'accès à \
            l'emploi durable des salariés de l'IAE en améliorant la qualité de leur parcours, et d'intensifier la coopération \
            entre les partenaires en s'appuyant sur leurs complémentarités."
            .into(),
        object: "Décliner de manière opérationnelle, à l'échelle de la région Bourgogne-Franche-Comté, les trois axes de \
            l'accord-cadre national ; les actions sont priorisées dans une feuille de route annuelle et mises en œuvre dans \
            les conventions de coopération locales."
            .into(),
        axes: vec![
            axis(
                "Axe 1 : partager la connaissance territoriale de l'IAE pour engager des actions communes",
                vec![
                    sheet(p, "Fiche action 1 : partager une analyse des besoins des territoires",
                        &["Construire une démarche commune de diagnostic territorial de l'IAE", "Prendre appui sur les CTA pour dégager des constats et élaborer des actions"],
                        "Les acteurs échangent sur l'état des lieux du marché du travail local ; ce travail est partagé en CTA et appuie les CDIAE.",
                        &[&["Inscrire dans les ordres du jour des CDIAE un temps d'analyse des données IAE"], &["Être pilote de l'action en tant qu'animateur du CTA", "Fournir les données relatives aux publics et aux territoires"], &["Produire des données concertées, dont l'observatoire IAE"]],
                        vec![indicator("État des lieux annuel de l'IAE", "Bases de données des signataires")]),
                    sheet(p, "Fiche action 2 : renforcer les liens entre les prescripteurs et les SIAE",
                        &["Renforcer la connaissance partagée de l'IAE et des offres de service réciproques"],
                        "Sessions de formation, séminaires et échanges selon la configuration locale.",
                        &[&["Mettre à disposition l'annuaire régional des SIAE", "Actualiser la liste préfectorale des prescripteurs habilités"], &["Organiser des sessions d'information avec les prescripteurs et les SIAE", "Actualiser les coordonnées des référents désignés pour chaque SIAE"], &["Accompagner les SIAE pour la réalisation de l'action"]],
                        vec![indicator("Listes départementales actualisées des prescripteurs habilités", "DDETS"), indicator("Pourcentage de SIAE ayant un référent France Travail désigné", "Direction régionale France Travail"), indicator("Nombre de sessions d'échange organisées", "France Travail et réseaux IAE")]),
                    sheet(p, "Fiche action 3 : donner de la visibilité à l'IAE auprès des acteurs économiques",
                        &["Mieux faire connaître l'IAE hors de l'IAE", "Rapprocher l'IAE des acheteurs publics et privés"],
                        "Les signataires promeuvent l'IAE dans leurs partenariats avec les entreprises et les représentants du monde économique.",
                        &[&["Être pilote en tant qu'animateur des CDIAE", "Intégrer l'IAE dans ses actions de développement économique"], &["Favoriser l'intégration de l'IAE dans ses manifestations"], &["Mettre à disposition des ressources pour les actions", "Favoriser les actions mutualisées"]],
                        vec![indicator("Nombre de présentations de l'accord en CDIAE et en CTA", "DREETS et France Travail"), indicator("Heures réalisées par clauses sociales", "Réseaux IAE")]),
                ],
            ),
            axis(
                "Axe 2 : sécuriser et améliorer la qualité des parcours pour faciliter le retour à l'emploi",
                vec![
                    sheet(p, "Fiche action 4 : formaliser un processus régional du diagnostic à l'entrée en parcours",
                        &["Donner un cadre commun aux prescripteurs", "Fluidifier le recrutement des publics dans les SIAE"],
                        "Procédure commune avec une fiche navette ; refus motivés ; dépôt des offres des SIAE auprès de France Travail.",
                        &[&["Optimiser l'allocation des postes d'insertion"], &["Proposer des candidats correspondant aux prérequis", "Traiter les demandes dans les délais"], &["Accompagner les SIAE dans le dépôt de leurs offres"]],
                        vec![indicator("Nombre d'offres d'emploi des SIAE déposées", "France Travail et réseaux IAE"), indicator("Nombre de refus d'embauche par les SIAE", "France Travail")]),
                    sheet(p, "Fiche action 5 : favoriser des parcours d'insertion de qualité",
                        &["Faciliter l'accès à l'offre de services de France Travail", "Consolider le projet professionnel des salariés"],
                        "Maintien de l'inscription des salariés en parcours ; accès aux prestations ; document remis au salarié sur ses compétences.",
                        &[&["Inciter les SIAE à recourir aux offres du SPE"], &["Faire connaître ses prestations mobilisables", "Répondre aux demandes de prolongation et de suspension"], &["Favoriser les partenariats entre SIAE dans une logique de parcours"]],
                        vec![indicator("Pourcentage de personnes en parcours inscrites à France Travail", "France Travail"), indicator("Nombre de PMSMP", "France Travail")]),
                    sheet(p, "Fiche action 6 : développer l'accès à la formation des salariés en parcours",
                        &["Favoriser l'accès à la formation pendant et en sortie de parcours"],
                        "Un groupe de travail régional réunit les acteurs de l'IAE et de la formation.",
                        &[&["Animer le groupe de travail et mobiliser le conseil régional et les OPCO"], &["Diffuser les offres de formation accessibles"], &["Identifier les besoins de formation dans les SIAE"]],
                        vec![indicator("Heures de formation réalisées pendant le parcours", "DDETS")]),
                    sheet(p, "Fiche action 7 : préparer les sorties pour faciliter l'accès à l'emploi",
                        &["Anticiper les sorties de SIAE", "Améliorer l'échange d'information en fin de parcours"],
                        "Entretiens tripartites 2 à 3 mois avant la fin du contrat ou du PASS IAE ; bilan transmis au référent et au prescripteur.",
                        &[&["Faciliter l'accès des SIAE aux marchés publics"], &["Mettre en relation les conseillers entreprises et les référents des SIAE"], &["Appuyer les SIAE pour anticiper les sorties"]],
                        vec![indicator("Pourcentage de personnes inscrites à France Travail 6 mois après la sortie", "France Travail")]),
                ],
            ),
            axis(
                "Axe 3 : préciser et améliorer le pilotage opérationnel et les complémentarités entre instances",
                vec![sheet(p, "Fiche action 8 : faire du CTA une instance dynamique et opérationnelle",
                    &["Favoriser la tenue régulière des CTA", "Faire le lien entre CTA et CDIAE"],
                    "CTA trimestriel, le dernier de l'année avec les responsables de SIAE ; ordres du jour concertés et comptes rendus communiqués au CDIAE.",
                    &[&["Participer au CTA et faire un retour des travaux du CDIAE"], &["Piloter et organiser les CTA, envoyer invitations et ordres du jour"], &["Favoriser la participation des SIAE aux CTA"]],
                    vec![indicator("Nombre de réunions de CTA par an et par département", "France Travail, réseaux IAE et DDETS")])],
            ),
        ],
        deployment: "Les signataires mettent en œuvre l'accord dans leur réseau ; une feuille de route régionale est établie \
            chaque année ; l'accord nourrit les conventions de coopération locales entre SIAE et agences France Travail."
            .into(),
        steering: Steering {
            committee: "Comité de pilotage régional".into(),
            frequency: "Au moins deux fois par an et en tant que de besoin".into(),
            composition: "Représentants des signataires ; inter-réseau IAE et collectivités invités".into(),
            organisation: "France Travail assure le secrétariat ; ordre du jour et documents transmis au plus tard 10 jours \
                avant ; comptes rendus adressés aux participants, aux CDIAE et aux CTA."
                .into(),
        },
        duration: Duration {
            starts_on: Some(date!(2016 - 12 - 08)),
            ends_on: Some(date!(2018 - 12 - 31)),
            renewal: String::new(),
            review: "Bilan annuel par le comité de pilotage régional.".into(),
        },
        amendment: "L'accord peut être modifié par voie d'avenant sur proposition du comité de pilotage.".into(),
        notice_months: 3,
        annexes: vec![
            Annex {
                title: "Annexe 3 : feuille de route 2017".into(),
                text: String::new(),
                roadmap: vec![
                    RoadmapAction { action: "Présenter l'accord en CDIAE".into(), due: "premier trimestre 2017".into(), due_on: Some(date!(2017 - 03 - 31)) },
                    RoadmapAction { action: "Finaliser et signer les conventions locales".into(), due: "avant fin 2017".into(), due_on: Some(date!(2017 - 12 - 31)) },
                    RoadmapAction { action: "Réunir un CTA sur chaque territoire".into(), due: "premier semestre 2017".into(), due_on: Some(date!(2017 - 06 - 30)) },
                ],
            },
        ],
        parties,
        ..Default::default()
    }
}

/// Guide de la CCL Pôle emploi – SIAE: a CCL between a France Travail agency and an SIAE, section by section. `parties` are the agency
/// then the SIAE; `correspondents` one per party.
pub fn local_cooperation(parties: Vec<Party>, correspondents: Vec<Correspondent>) -> AgreementContent {
    let p = &parties;
    AgreementContent {
        title: format!("Convention de coopération locale entre {} et {}", p[0].name, p[1].name),
        legal_references: super::kind::AgreementKind::LocalCooperation
            .legal_reference_presets()
            .iter()
            .map(|s| s.to_string())
            .collect(),
        object: "Renforcer l'action commune des partenaires en faveur des personnes connaissant des difficultés d'insertion \
            sociale et professionnelle, et définir les modalités opérationnelles de leur collaboration, en cohérence avec \
            les réalités territoriales."
            .into(),
        axes: vec![Axis {
            title: "Sécuriser et améliorer la qualité des parcours".into(),
            theme: None,
            sheets: vec![
                sheet(p, "Anticiper les recrutements et gérer les offres",
                    &["Déposer les offres de la SIAE", "Échanger sur les candidatures retenues ou non"],
                    "La SIAE dépose ses offres auprès de l'agence ; l'agence propose des candidats correspondant aux prérequis.",
                    &[&["Proposer des candidats", "Maintenir l'inscription des salariés en parcours"], &["Déposer ses offres", "Motiver tout refus d'embauche"]],
                    vec![indicator("Nombre d'offres déposées", "Agence France Travail")]),
                sheet(p, "Anticiper la sortie et coopérer pour la suite du parcours",
                    &["Préparer la sortie 2 à 3 mois avant la fin du contrat"],
                    "Entretien tripartite et bilan de parcours transmis au conseiller référent.",
                    &[&["Participer aux entretiens tripartites"], &["Organiser les entretiens tripartites", "Remettre au salarié un document sur ses compétences"]],
                    vec![indicator("Part des salariés inscrits 6 mois après la sortie", "Agence France Travail")]),
            ],
        }],
        target_public: "Personnes éligibles à l'IAE (critères de l'arrêté du 1er septembre 2021) résidant sur le territoire de l'agence.".into(),
        entry_modalities: "Diagnostic par le conseiller référent et fiche navette ; PASS IAE délivré par la plateforme de l'inclusion.".into(),
        correspondents,
        service_offers: "Prestations de France Travail (mobilité, permis de conduire), formations POEC, POEI et AFPR ; \
            accompagnement socio-professionnel de la SIAE ; présentation mutuelle des offres de service."
            .into(),
        exit_anticipation: "Entretien tripartite 2 à 3 mois avant la fin du contrat ou du PASS IAE ; bilan de parcours partagé.".into(),
        steering: Steering {
            committee: "Comité technique d'animation (CTA)".into(),
            frequency: "Trimestrielle".into(),
            composition: "Directeur d'agence, direction de la SIAE, correspondants".into(),
            organisation: "Bilan formalisé une fois par an en comité de suivi.".into(),
        },
        communication: "Toute communication externe sur le partenariat requiert l'accord de l'autre signataire et porte les logos des partenaires.".into(),
        duration: Duration {
            starts_on: Some(date!(2026 - 01 - 01)),
            ends_on: Some(date!(2028 - 12 - 31)),
            renewal: "Reconduction par avenant après le bilan annuel.".into(),
            review: "Examinée annuellement dans le cadre du comité de suivi, où un bilan formalisé est effectué.".into(),
        },
        amendment: "Révisable sur proposition de l'une ou l'autre des parties par voie d'avenant.".into(),
        notice_months: 3,
        lapse_conditions: lines(&["La convention devient caduque si la SIAE n'est plus conventionnée par l'État."]),
        parties,
        ..Default::default()
    }
}

#[cfg(test)]
pub(crate) mod samples {
    use super::*;
    use uuid::Uuid;

    pub fn party(n: u128, name: &str) -> Party {
        Party {
            organisation_id: Uuid::from_u128(n),
            name: name.into(),
            representative: format!("Représentant {n}"),
            capacity: "Directeur".into(),
            presentation: String::new(),
        }
    }

    pub fn ccl() -> AgreementContent {
        let correspondent = |n: u128, name: &str| Correspondent {
            party: Uuid::from_u128(n),
            name: name.into(),
            substitute_name: format!("Suppléant de {name}"),
            ..Default::default()
        };
        local_cooperation(
            vec![party(1, "Agence France Travail"), party(2, "ACI")],
            vec![correspondent(1, "Sophie Bernard"), correspondent(2, "Thomas Girard")],
        )
        .validate()
        .unwrap()
    }

    pub fn regional() -> AgreementContent {
        regional_bfc(vec![
            party(1, "État"),
            party(2, "France Travail"),
            party(3, "Réseaux de l'IAE"),
        ])
        .validate()
        .unwrap()
    }
}
