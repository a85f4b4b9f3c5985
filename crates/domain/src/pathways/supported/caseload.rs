//! A counsellor's caseload against the reference of Journées nationales de l'emploi accompagné 2020: 15 to 20 people per counsellor ("220 / 240
//! suivis (entre 15 et 20 suivis / CEA)"), scaled to the counsellor's working time.

use super::SEED_003;
use crate::explanation::{Explanation, french_number};
use serde::{Deserialize, Serialize};

/// People per full-time counsellor, low and high ends of the reference (Journées nationales de l'emploi accompagné 2020).
pub const REFERENCE: (i64, i64) = (15, 20);

labelled_codes! {
    CaseloadStatus {
        Under => "under", "en dessous de la référence";
        Within => "within", "dans la référence";
        Over => "over", "au-dessus de la référence";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Caseload {
    pub people: i64,
    /// Working time in hundredths of a full time (100 = full time).
    pub fte_hundredths: i64,
    pub status: CaseloadStatus,
    pub explanation: Explanation,
}

/// Hundredths as French decimal text: 750 -> "7,5", 1500 -> "15".
fn hundredths(n: i64) -> String {
    let (whole, rest) = (n / 100, n % 100);
    match rest {
        0 => french_number(whole),
        r if r % 10 == 0 => format!("{},{}", french_number(whole), r / 10),
        r => format!("{},{r:02}", french_number(whole)),
    }
}

/// The status of `people` followed by a counsellor working `fte_hundredths` of a full time (a counsellor
/// whose time is not recorded counts as full time, and the explanation says so).
pub fn caseload(people: i64, fte_hundredths: Option<i64>) -> Caseload {
    let fte = fte_hundredths.filter(|f| *f > 0).unwrap_or(100);
    let (low, high) = (REFERENCE.0 * fte, REFERENCE.1 * fte);
    let status = if people * 100 < low {
        CaseloadStatus::Under
    } else if people * 100 > high {
        CaseloadStatus::Over
    } else {
        CaseloadStatus::Within
    };
    let time = match fte_hundredths.filter(|f| *f > 0) {
        Some(100) => "à temps plein".to_owned(),
        Some(f) => format!("à {} % d'un temps plein", hundredths(f * 100)),
        None => "temps de travail non renseigné, compté à temps plein".to_owned(),
    };
    let sentence = format!(
        "{} personne{} suivie{}, {} la référence de {} à {} pour ce conseiller ({time} ; 15 à 20 par conseiller à temps plein)",
        french_number(people),
        if people > 1 { "s" } else { "" },
        if people > 1 { "s" } else { "" },
        match status {
            CaseloadStatus::Under => "en dessous de",
            CaseloadStatus::Within => "dans",
            CaseloadStatus::Over => "au-dessus de",
        },
        hundredths(low),
        hundredths(high),
    );
    Caseload {
        people,
        fte_hundredths: fte,
        status,
        explanation: Explanation::new(status_code(status), sentence, SEED_003),
    }
}

fn status_code(status: CaseloadStatus) -> &'static str {
    match status {
        CaseloadStatus::Under => "caseload_under",
        CaseloadStatus::Within => "caseload_within",
        CaseloadStatus::Over => "caseload_over",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    // Journées nationales de l'emploi accompagné 2020: "entre 15 et 20 suivis / CEA", bounds included.
    #[case::none(0, Some(100), CaseloadStatus::Under)]
    #[case::fourteen(14, Some(100), CaseloadStatus::Under)]
    #[case::fifteen(15, Some(100), CaseloadStatus::Within)]
    #[case::twenty(20, Some(100), CaseloadStatus::Within)]
    #[case::twenty_one(21, Some(100), CaseloadStatus::Over)]
    // Scaled to working time: half time is 7.5 to 10.
    #[case::half_time_seven(7, Some(50), CaseloadStatus::Under)]
    #[case::half_time_eight(8, Some(50), CaseloadStatus::Within)]
    #[case::half_time_ten(10, Some(50), CaseloadStatus::Within)]
    #[case::half_time_eleven(11, Some(50), CaseloadStatus::Over)]
    // Time not recorded: full time.
    #[case::unknown_time(18, None, CaseloadStatus::Within)]
    fn statuses(#[case] people: i64, #[case] fte: Option<i64>, #[case] status: CaseloadStatus) {
        assert_eq!(caseload(people, fte).status, status);
    }

    #[test]
    fn explanations_say_the_reference_used() {
        let c = caseload(11, Some(50));
        assert_eq!(c.explanation.code, "caseload_over");
        assert!(
            c.explanation.message.contains("au-dessus de la référence de 7,5 à 10"),
            "{}",
            c.explanation.message
        );
        assert!(c.explanation.message.contains("à 50 % d'un temps plein"));
        assert!(
            c.explanation
                .message
                .ends_with("(journées nationales de l'emploi accompagné, CFEA, mars 2020).")
        );
        assert!(caseload(1, None).explanation.message.contains("non renseigné"));
        assert_eq!(hundredths(1_275), "12,75");
    }
}
