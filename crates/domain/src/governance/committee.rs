//! Kinds of committees, their members' votes, and the names that changed with the comités pour l'emploi.

use super::frequency::Frequency;
use crate::explanation::Explanation;
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::date;

labelled_codes! {
    /// What a committee is. The code is stable (API, database); the label is what users read.
    CommitteeKind {
        Cta => "cta", "Comité technique d'animation (CTA)";
        RegionalSteering => "regional_steering", "Comité de pilotage régional";
        DepartmentalSteering => "departmental_steering", "Comité de pilotage départemental";
        Cdiae => "cdiae", "Conseil départemental de l'insertion par l'activité économique (CDIAE)";
        InclusionCommission => "inclusion_commission", "Commission « inclusion et IAE » du comité départemental pour l'emploi";
        EmploymentCommittee => "employment_committee", "Comité pour l'emploi";
        SupportedEmploymentCopil => "supported_employment_copil", "Comité de pilotage de l'emploi accompagné (COPIL)";
        SupportedEmploymentCotech => "supported_employment_cotech", "Comité technique de l'emploi accompagné (COTECH)";
        PartnersCommittee => "partners_committee", "Comité départemental des partenaires";
        Other => "other", "Autre instance";
    }
}

labelled_codes! {
    /// A member's voice: deliberative members decide, consultative members give their opinion (Journées nationales de l'emploi accompagné 2020,
    /// COPIL CTS).
    MemberVote {
        Deliberative => "deliberative", "Voix délibérative";
        Consultative => "consultative", "Voix consultative";
    }
}

/// The comités pour l'emploi (decree 2024-560) took over on 1 July 2024: the CDIAE became the "inclusion et
/// IAE" commission of the departmental employment committee.
pub const EMPLOYMENT_COMMITTEES_FROM: Date = date!(2024 - 07 - 01);

impl CommitteeKind {
    /// The frequency the texts set for this kind, proposed when a committee is created; a committee may
    /// record its own (its agreement may say more).
    pub fn default_frequency(self) -> Frequency {
        match self {
            Self::Cta => Frequency::Quarterly,
            Self::RegionalSteering | Self::PartnersCommittee => Frequency::TwiceAYear,
            _ => Frequency::AsNeeded,
        }
    }

    /// The days before a meeting by which its agenda and documents must be sent, when a text sets it.
    pub fn default_agenda_notice_days(self) -> Option<u32> {
        match self {
            Self::RegionalSteering => Some(10),
            _ => None,
        }
    }

    /// A warning when a meeting of this kind, on `on`, bears a name that did not exist then or no longer did.
    pub fn name_warning(self, on: Date) -> Option<Explanation> {
        let source = "décret n° 2024-560 du 20 juin 2024";
        match self {
            Self::Cdiae if on >= EMPLOYMENT_COMMITTEES_FROM => Some(Explanation::new(
                "committee_renamed",
                "Depuis le 1er juillet 2024, le CDIAE est devenu la commission « inclusion et IAE » du comité \
                 départemental pour l'emploi",
                source,
            )),
            Self::InclusionCommission | Self::EmploymentCommittee if on < EMPLOYMENT_COMMITTEES_FROM => {
                Some(Explanation::new(
                    "committee_not_yet_created",
                    "Les comités pour l'emploi et leur commission « inclusion et IAE » n'existent que depuis le \
                     1er juillet 2024 ; avant, c'était le CDIAE",
                    source,
                ))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_texts() {
        // Accord régional BFC 2016 fiche action 8: "Réunir le CTA selon une périodicité trimestrielle".
        assert_eq!(CommitteeKind::Cta.default_frequency(), Frequency::Quarterly);
        // Accord régional BFC 2016 article 3: "au moins 2 fois par an", documents "au plus tard 10 jours avant".
        assert_eq!(
            CommitteeKind::RegionalSteering.default_frequency(),
            Frequency::TwiceAYear
        );
        assert_eq!(CommitteeKind::RegionalSteering.default_agenda_notice_days(), Some(10));
        // Journées nationales de l'emploi accompagné 2020, comité départemental des partenaires: "a minima deux fois par an".
        assert_eq!(
            CommitteeKind::PartnersCommittee.default_frequency(),
            Frequency::TwiceAYear
        );
        assert_eq!(CommitteeKind::Other.default_frequency(), Frequency::AsNeeded);
        assert_eq!(CommitteeKind::Cta.default_agenda_notice_days(), None);
    }

    #[test]
    fn names_follow_the_2024_reform() {
        // Decree 2024-560, in force 1 July 2024 (RULES.md 5).
        let cases = [
            (CommitteeKind::Cdiae, date!(2024 - 06 - 30), None),
            (CommitteeKind::Cdiae, date!(2024 - 07 - 01), Some("committee_renamed")),
            (
                CommitteeKind::InclusionCommission,
                date!(2024 - 06 - 30),
                Some("committee_not_yet_created"),
            ),
            (CommitteeKind::InclusionCommission, date!(2024 - 07 - 01), None),
            (
                CommitteeKind::EmploymentCommittee,
                date!(2023 - 01 - 01),
                Some("committee_not_yet_created"),
            ),
            (CommitteeKind::Cta, date!(2017 - 01 - 01), None),
        ];
        for (kind, on, code) in cases {
            assert_eq!(kind.name_warning(on).map(|e| e.code), code, "{kind:?} on {on}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for kind in CommitteeKind::ALL {
            assert_eq!(CommitteeKind::parse(kind.code()), Some(*kind));
        }
        assert_eq!(MemberVote::parse("deliberative"), Some(MemberVote::Deliberative));
        assert_eq!(MemberVote::parse("vote"), None);
    }
}
