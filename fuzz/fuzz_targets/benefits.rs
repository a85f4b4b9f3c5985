//! The benefits simulator's JSON (CLI `benefits simulate` and `POST /api/v1/benefits/simulate`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use passerelle_domain::benefits::{answer, parse_request};

fuzz_target!(|data: &[u8]| {
    if let Ok(json) = std::str::from_utf8(data)
        && let Ok(request) = parse_request(json)
    {
        let _ = answer(&request);
    }
});
