//! From the structured content to a neutral document: numbered articles in the order of the seeds'
//! conventions (parties, visas, object, axes and action sheets, ..., duration and end clauses), the annexes,
//! the table of indicators, and one signature block per party.

use crate::typography::french;
use passerelle_domain::agreements::AgreementKind;
use passerelle_domain::agreements::content::AgreementContent;
use passerelle_domain::agreements::names::as_of;
use passerelle_domain::calendar::french_date;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A numbered article or an annex: in the table of contents.
    Heading(String),
    /// An axis: in the table of contents, under its article.
    Subheading(String),
    /// An action sheet or a party's commitments.
    Minor(String),
    Paragraph(String),
    Bullet(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub party: String,
    pub representative: String,
    pub capacity: String,
    pub signed_on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub title: String,
    /// Kind and version, under the title.
    pub subtitle: String,
    pub blocks: Vec<Block>,
    pub signatures: Vec<Signature>,
}

impl Document {
    /// The entries of the table of contents, with their level (0 for articles and annexes, 1 for axes).
    pub fn contents(&self) -> impl Iterator<Item = (u8, &str)> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Heading(t) => Some((0, t.as_str())),
            Block::Subheading(t) => Some((1, t.as_str())),
            _ => None,
        })
    }
}

struct Writer {
    blocks: Vec<Block>,
    article: u32,
}

impl Writer {
    fn article(&mut self, title: &str) {
        self.article += 1;
        self.blocks
            .push(Block::Heading(format!("Article {} : {title}", self.article)));
    }

    /// An article made of one text, when the text is there.
    fn text_article(&mut self, title: &str, text: &str) {
        if !text.trim().is_empty() {
            self.article(title);
            self.paragraphs(text);
        }
    }

    fn paragraphs(&mut self, text: &str) {
        self.blocks.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Block::Paragraph(l.into())),
        );
    }

    fn bullets<'a>(&mut self, items: impl IntoIterator<Item = &'a String>) {
        self.blocks.extend(items.into_iter().map(|i| Block::Bullet(i.clone())));
    }
}

/// Lays out one version of an agreement, dated `day` (names are printed as they were that day). `signed`
/// gives each party's signature date.
pub fn document(
    kind: AgreementKind,
    c: &AgreementContent,
    version: i64,
    reason: Option<&str>,
    signed: &[(Uuid, Option<Date>)],
    day: Date,
) -> Document {
    let mut w = Writer {
        blocks: Vec::new(),
        article: 0,
    };
    let party_name = |id: Uuid| c.party(id).map(|p| p.name.as_str()).unwrap_or("");
    w.bullets(&c.legal_references);
    w.blocks.push(Block::Paragraph("Entre :".into()));
    for p in &c.parties {
        let line = match p.representation() {
            Some(by) => format!("{}, {by}", p.name),
            None => p.name.clone(),
        };
        w.blocks.push(Block::Bullet(line));
    }
    if !c.preamble.is_empty() {
        w.blocks.push(Block::Heading("Préambule".into()));
        w.paragraphs(&c.preamble);
    }
    w.text_article("Objet de la convention", &c.object);
    w.text_article("Approche territoriale", &c.territorial_approach);
    if c.sheets().next().is_some() {
        w.article("Axes d'engagement et fiches action");
        for axis in &c.axes {
            w.blocks.push(Block::Subheading(axis.title.clone()));
            for s in &axis.sheets {
                w.blocks.push(Block::Minor(s.title.clone()));
                if !s.objectives.is_empty() {
                    w.blocks.push(Block::Paragraph("Objectifs :".into()));
                    w.bullets(&s.objectives);
                }
                if !s.implementation.is_empty() {
                    w.blocks.push(Block::Paragraph("Mise en œuvre :".into()));
                    w.paragraphs(&s.implementation);
                }
                for k in &s.commitments {
                    w.blocks
                        .push(Block::Paragraph(format!("Engagements – {} :", party_name(k.party))));
                    w.bullets(&k.items);
                }
                if !s.indicators.is_empty() {
                    w.blocks.push(Block::Paragraph("Suivi et indicateurs :".into()));
                    w.blocks
                        .extend(s.indicators.iter().map(|i| Block::Bullet(i.name.clone())));
                }
                let situations: Vec<String> = s.situations.iter().map(|x| x.label().to_owned()).collect();
                if !situations.is_empty() {
                    w.blocks
                        .push(Block::Paragraph("Situations de travailleurs concernées :".into()));
                    w.bullets(&situations);
                }
            }
        }
    }
    if !c.target_public.is_empty() || !c.entry_modalities.is_empty() {
        w.article("Public visé et modalités d'entrée en parcours");
        w.paragraphs(&c.target_public);
        w.paragraphs(&c.entry_modalities);
    }
    if !c.correspondents.is_empty() {
        w.article("Interlocuteurs et mode dégradé");
        for k in &c.correspondents {
            let function = if k.function.is_empty() {
                String::new()
            } else {
                format!(", {}", k.function)
            };
            let substitute = if k.substitute_name.is_empty() {
                "à désigner"
            } else {
                &k.substitute_name
            };
            w.blocks.push(Block::Bullet(format!(
                "Pour {} : {}{function} ; en son absence : {substitute}",
                party_name(k.party),
                k.name
            )));
        }
    }
    w.text_article("Offres de service mobilisées", &c.service_offers);
    w.text_article("Outils de suivi individuel", &c.tracking_tools);
    w.text_article("Anticipation des sorties", &c.exit_anticipation);
    w.text_article("Modalités de déploiement", &c.deployment);
    let st = &c.steering;
    if !st.committee.is_empty() {
        w.article("Pilotage");
        w.blocks.push(Block::Paragraph(format!(
            "{} ; fréquence : {}.",
            st.committee, st.frequency
        )));
        w.paragraphs(&st.composition);
        w.paragraphs(&st.organisation);
    }
    w.text_article("Communication", &c.communication);
    let d = &c.duration;
    if let (Some(start), Some(end)) = (d.starts_on, d.ends_on) {
        w.article("Durée");
        w.blocks.push(Block::Paragraph(format!(
            "La présente convention est conclue du {} au {}.",
            french_date(start),
            french_date(end)
        )));
        w.paragraphs(&d.review);
        w.paragraphs(&d.renewal);
    }
    w.text_article("Modification", &c.amendment);
    if c.notice_months > 0 {
        w.article("Dénonciation");
        w.blocks.push(Block::Paragraph(format!(
            "La présente convention peut être dénoncée par chacune des parties en respectant un préavis de {} mois \
             courant à compter de la réception de la dénonciation par lettre recommandée avec accusé de réception.",
            c.notice_months
        )));
    }
    if !c.lapse_conditions.is_empty() {
        w.article("Caducité");
        w.bullets(&c.lapse_conditions);
    }
    if !c.targets.is_empty() {
        w.article("Objectifs chiffrés");
        w.blocks.extend(
            c.targets
                .iter()
                .map(|t| Block::Bullet(format!("{} : {} {} ({})", t.indicator, t.value, t.unit, t.period))),
        );
    }
    for a in &c.annexes {
        w.blocks.push(Block::Heading(a.title.clone()));
        w.paragraphs(&a.text);
        w.blocks.extend(
            a.roadmap
                .iter()
                .map(|r| Block::Bullet(format!("{} ({})", r.action, r.due))),
        );
    }
    let indicators: Vec<String> = c
        .sheets()
        .flat_map(|(_, s)| s.indicators.iter().map(move |i| (s, i)))
        .map(|(s, i)| {
            format!(
                "{} – {} – fournisseur : {}",
                s.title,
                i.name,
                if i.provider.is_empty() {
                    "à préciser"
                } else {
                    &i.provider
                }
            )
        })
        .collect();
    if !indicators.is_empty() {
        w.blocks.push(Block::Heading(
            "Annexe : indicateurs de suivi et fournisseurs des données".into(),
        ));
        w.bullets(&indicators);
    }
    let signatures: Vec<Signature> = c
        .parties
        .iter()
        .map(|p| Signature {
            party: p.name.clone(),
            representative: p.representative.clone(),
            capacity: p.capacity.clone(),
            signed_on: signed
                .iter()
                .find(|(id, _)| *id == p.organisation_id)
                .and_then(|(_, d)| *d),
        })
        .collect();
    let subtitle = match reason {
        Some(r) => format!("{} – version {version} ({r})", kind.label()),
        None => format!("{} – version {version}", kind.label()),
    };
    // Names as they were that day, then the French no-break spaces, for every format alike.
    let named = |t: &str| french(&as_of(t, day));
    Document {
        title: named(&c.title),
        subtitle: named(&subtitle),
        blocks: w
            .blocks
            .into_iter()
            .map(|b| match b {
                Block::Heading(t) => Block::Heading(named(&t)),
                Block::Subheading(t) => Block::Subheading(named(&t)),
                Block::Minor(t) => Block::Minor(named(&t)),
                Block::Paragraph(t) => Block::Paragraph(named(&t)),
                Block::Bullet(t) => Block::Bullet(named(&t)),
            })
            .collect(),
        signatures: signatures
            .into_iter()
            .map(|s| Signature {
                party: named(&s.party),
                representative: french(&s.representative),
                capacity: french(&s.capacity),
                ..s
            })
            .collect(),
    }
}
