//! A paged list's place and the addresses of its neighbours, shown by `pager.html` under every paged list.

use passerelle_store::infra::paging::Page;

pub struct Pager {
    pub page: u32,
    pub pages: u32,
    pub prev_url: String,
    pub next_url: String,
}

impl Pager {
    /// The pager of `page`, whose page `n` is at `url(n)`.
    pub fn new<T>(page: &Page<T>, url: impl Fn(u32) -> String) -> Self {
        Self {
            page: page.page,
            pages: page.pages(),
            prev_url: url(page.page.saturating_sub(1).max(1)),
            next_url: url(page.page + 1),
        }
    }
}
