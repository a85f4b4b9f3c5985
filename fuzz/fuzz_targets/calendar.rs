//! Dates and territories as the CLI and the forms receive them: `AAAA-MM-JJ`, a number of working days, a
//! department code, a year.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passerelle_domain::calendar::{self, Territory};
use time::Date;

fuzz_target!(|input: (&str, u32, &str, i32)| {
    let (date, days, department, year) = input;
    let Ok(territory) = Territory::of(Some(department)) else {
        return;
    };
    let _ = calendar::holidays(year, territory);
    if let Ok(date) = Date::parse(date, time::macros::format_description!("[year]-[month]-[day]")) {
        let _ = calendar::nth_working_day_after(date, days, territory);
    }
});
