//! What some indicators count, where the texts changed or name who does what: the CDIAE that received the CTA
//! minutes became a commission, the PASS IAE abolished the extension request, and fiche 4 counts the
//! candidates that France Travail oriented. The store's indicator views state these in SQL (migration 0022);
//! a store test checks that they say what these functions say (docs/indicators.md, « Lectures datées »).

use crate::dated::Dated;
use crate::directory::OrganisationKind;
use crate::governance::committee::{CommitteeKind, EMPLOYMENT_COMMITTEES_FROM};
use crate::pathways::iae::approval::PASS_IAE_FROM;
use time::Date;
use time::macros::date;

/// The committee to which a CTA sends its minutes, by the day they are sent: the CDIAE (décret 99-107 of
/// 18 February 1999; Accord régional BFC 2016, fiche 8: « comptes rendus ... communiqués au CDIAE »), then,
/// from 1 July 2024, the « inclusion et IAE » commission of the departmental employment committee that took
/// its place (décret 2024-560 of 20 June 2024).
pub const MINUTES_RECIPIENT: Dated<CommitteeKind> = Dated::new(
    "Accord régional BFC 2016, fiche 8 ; décret n° 99-107 du 18 février 1999 ; décret n° 2024-560 du 20 juin 2024",
    &[
        (date!(1999 - 02 - 18), CommitteeKind::Cdiae),
        (EMPLOYMENT_COMMITTEES_FROM, CommitteeKind::InclusionCommission),
    ],
);

/// Whether CTA minutes sent on `on` to a committee of `kind` count in `cta_minutes_transmitted`. Minutes sent
/// to a committee still recorded as a CDIAE after 1 July 2024 do not: that body no longer exists (the
/// committee's page warns, `committee_renamed`).
pub fn minutes_count(kind: CommitteeKind, on: Date) -> bool {
    MINUTES_RECIPIENT.at_or_first(on) == kind
}

/// Whether a prescription by an organisation of `kind` is a candidate « orienté par Pôle emploi » (Accord
/// régional BFC 2016, fiche 4, indicator « Nombre de candidats orientés par Pôle emploi »): France Travail's
/// agencies and directions, Pôle emploi until 2024. Not the SIAE's own diagnoses (auto-prescriptions), nor the
/// other prescribers.
pub fn orients_candidates(kind: OrganisationKind) -> bool {
    matches!(
        kind,
        OrganisationKind::FranceTravailAgency
            | OrganisationKind::FranceTravailTerritorial
            | OrganisationKind::FranceTravailRegional
    )
}

/// How an extension of an approval to another SIAE is recorded, by the day it happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionRecord {
    /// Under the agrément, the new SIAE's written extension request to Pôle emploi (Accord régional BFC 2016,
    /// annexe 4, 2.2.5).
    AgrementRequest,
    /// Under the PASS IAE, valid in every SIAE until its end, there is no request: a hiring in another SIAE
    /// while the PASS runs is the extension (what the person's pathway page calls it).
    HiringInAnotherSiae,
}

/// The record of an extension on `on`: requests until 30 November 2021, hirings from 1 December 2021 (loi
/// 2020-1577; décret 2021-1128).
pub fn extension_record(on: Date) -> ExtensionRecord {
    if on < PASS_IAE_FROM {
        ExtensionRecord::AgrementRequest
    } else {
        ExtensionRecord::HiringInAnotherSiae
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CommitteeKind::{Cdiae, Cta, InclusionCommission};

    // (recipient, sent on, counts): décret 2024-560 of 20 June 2024, in force on 1 July 2024.
    #[test]
    fn cta_minutes_go_to_the_body_of_their_day() {
        let cases = [
            (Cdiae, date!(2017 - 03 - 20), true),
            (Cdiae, date!(2024 - 06 - 30), true),
            (Cdiae, date!(2024 - 07 - 01), false),
            (InclusionCommission, date!(2024 - 06 - 30), false),
            (InclusionCommission, date!(2024 - 07 - 01), true),
            (InclusionCommission, date!(2030 - 03 - 20), true),
            (Cta, date!(2030 - 03 - 20), false),
            // Before the first text known, the CDIAE's rule.
            (Cdiae, date!(1998 - 01 - 01), true),
        ];
        for (kind, on, counts) in cases {
            assert_eq!(minutes_count(kind, on), counts, "{kind:?} on {on}");
        }
    }

    // Accord régional BFC 2016 fiche 4: « Nombre de candidats orientés par Pôle emploi ».
    #[test]
    fn candidates_oriented_by_france_travail_only() {
        let oriented: Vec<OrganisationKind> = OrganisationKind::ALL
            .iter()
            .copied()
            .filter(|k| orients_candidates(*k))
            .collect();
        assert_eq!(
            oriented,
            [
                OrganisationKind::FranceTravailAgency,
                OrganisationKind::FranceTravailTerritorial,
                OrganisationKind::FranceTravailRegional
            ]
        );
        assert!(
            OrganisationKind::ALL
                .iter()
                .filter(|k| k.is_siae())
                .all(|k| !orients_candidates(*k))
        );
    }

    #[test]
    fn extensions_are_requests_then_hirings() {
        assert_eq!(
            extension_record(date!(2021 - 11 - 30)),
            ExtensionRecord::AgrementRequest
        );
        assert_eq!(
            extension_record(date!(2021 - 12 - 01)),
            ExtensionRecord::HiringInAnotherSiae
        );
    }
}
