//! The IAE rules' JSON inputs (CLI `rules eligibility` and `rules pathway`): a diagnosis assessed, a pathway
//! evaluated, whatever the dates and criteria.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passerelle_domain::pathways::iae::{Diagnosis, PathwayInput, evaluate};

fuzz_target!(|data: &[u8]| {
    if let Ok(diagnosis) = serde_json::from_slice::<Diagnosis>(data) {
        let _ = diagnosis.assess();
    }
    if let Ok(pathway) = serde_json::from_slice::<PathwayInput>(data) {
        let _ = evaluate(&pathway);
    }
});
