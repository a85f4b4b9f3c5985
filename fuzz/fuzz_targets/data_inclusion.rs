//! The directory importer (data·inclusion structures, JSON and CSV): any bytes give rows or a French error,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passerelle_domain::directory::data_inclusion::{Format, parse};

fuzz_target!(|data: &[u8]| {
    for format in [Format::Json, Format::Csv] {
        let _ = parse(data, format);
    }
});
