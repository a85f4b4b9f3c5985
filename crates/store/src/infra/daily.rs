//! Tasks every server runs once a day, done by one of them (table `daily_tasks`): a server claims the day's task
//! with a lease, marks it done when it succeeds, and another takes it over when the lease runs out without that
//! (a server stopped in the middle). The claim is one conditional `UPDATE`, atomic on both databases.

use crate::Store;
use crate::infra::error::Result;
use crate::infra::sql::{Executor, query};
use time::{Date, OffsetDateTime};

/// A daily task, by its row in `daily_tasks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DailyTask {
    /// The deadlines engine's pass: notifications, digests, missed interviews.
    Deadlines,
}

impl DailyTask {
    fn name(self) -> &'static str {
        match self {
            DailyTask::Deadlines => "deadlines",
        }
    }
}

impl Store {
    /// Claims `task` for `today` on behalf of `worker` until `now + lease_seconds`: true when it is not done for
    /// today and no other worker holds a running lease.
    pub async fn claim_daily(
        &self,
        task: DailyTask,
        today: Date,
        worker: &str,
        now: OffsetDateTime,
        lease_seconds: i64,
    ) -> Result<bool> {
        let now_s = now.unix_timestamp();
        let claimed = self
            .pool
            .clone()
            .execute(
                query(
                    "UPDATE daily_tasks SET held_by = $1, held_until = $2 WHERE name = $3 \
                     AND (done_on IS NULL OR done_on < $4) AND (held_until IS NULL OR held_until < $5)",
                )
                .bind(worker)
                .bind(now_s + lease_seconds)
                .bind(task.name())
                .bind(today)
                .bind(now_s),
            )
            .await?;
        Ok(claimed == 1)
    }

    /// Lets the lease of `task` go, marking it done for the day `done_on` (`None`: to try again later).
    pub async fn release_daily(&self, task: DailyTask, worker: &str, done_on: Option<Date>) -> Result<()> {
        let q = if let Some(today) = done_on {
            query(
                "UPDATE daily_tasks SET done_on = $1, held_by = NULL, held_until = NULL \
                 WHERE name = $2 AND held_by = $3",
            )
            .bind(today)
        } else {
            query("UPDATE daily_tasks SET held_by = NULL, held_until = NULL WHERE name = $1 AND held_by = $2")
        };
        self.pool.clone().execute(q.bind(task.name()).bind(worker)).await?;
        Ok(())
    }
}
