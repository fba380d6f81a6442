//! A lesson's own SQL (experiments, value checks) split into statements the way every engine runs them.

use crate::sqlfile::split_statements;
use miglab_model::engine::plan::RunPlan;
use miglab_model::lesson::{split_last_query, transaction_plan, Experiment};

/// The plan for an experiment with `in_transaction = true`: its statements as one migration transaction.
pub fn experiment_plan(experiment: &Experiment) -> RunPlan {
    transaction_plan(split_statements(&experiment.sql).0)
}

/// A value query as the statements that set up what it reads and the final query whose first value is the answer.
pub fn setup_and_query(sql: &str) -> (Vec<String>, String) {
    split_last_query(split_statements(sql).0.into_iter().map(|step| step.sql).collect())
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn setup_and_query_ok() {
        let (setup, query) =
            setup_and_query("DELETE FROM users WHERE id = 8;\nSELECT count(*) FROM posts;");
        assert_eq!(setup, vec!["DELETE FROM users WHERE id = 8".to_owned()]);
        assert_eq!(query, "SELECT count(*) FROM posts");
    }

    #[test]
    fn experiment_plan_ok() {
        let experiment: Experiment = toml::from_str("id = \"x\"\ntitle = \"t\"\nprompt = \"p\"\nsql = \"CREATE INDEX CONCURRENTLY i ON t (c)\"\nin_transaction = true\n[expect]\n")
            .expect("valid experiment");
        let plan = experiment_plan(&experiment);
        assert_eq!(plan.steps.len(), 1);
        assert!(!plan.steps[0].autocommit);
    }
}
