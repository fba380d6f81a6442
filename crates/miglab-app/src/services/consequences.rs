//! What a destructive step would destroy, found by the rules and counted on the engine before it runs, wherever it runs:
//! the drop guard, the SQL console and the "try it" experiments all show the same numbers.

use crate::services::lab::{self, Backend};
use crate::state::drop_guard::{Stake, Threat};
use crate::state::run_state::Failure;

/// Counts what each target at stake holds now, once per target.
pub async fn count(engine: &dyn Backend, threats: &[Threat]) -> Result<Vec<Stake>, Failure> {
    let mut out: Vec<Stake> = Vec::new();
    for threat in threats {
        let target = threat.target();
        if out.iter().any(|s| s.target == target) {
            continue;
        }
        let (count, sample) =
            lab::at_stake(engine, &threat.table, threat.column.as_deref()).await?;
        out.push(Stake { target, whole_table: threat.column.is_none(), count, sample });
    }
    Ok(out)
}

/// The destructive steps of a SQL script on the engine's current state, and what they would destroy there.
/// Empty when nothing is destroyed; an error (the analyzer did not answer, the SQL does not split) is never "safe".
pub async fn of_sql(engine: &dyn Backend, sql: &str) -> Result<(Vec<Threat>, Vec<Stake>), String> {
    let (steps, diagnostics) = crate::services::analyzer_link::split(sql).await?;
    if let Some(d) = diagnostics.iter().find(|d| d.is_error()) {
        return Err(d.message.clone());
    }
    let schema = engine.introspect().await.map_err(|f| f.message)?;
    let threats = crate::services::student_migration::threats(&steps, Some(&schema)).await?;
    let stakes = count(engine, &threats).await.map_err(|f| f.message)?;
    Ok((threats, stakes))
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::services::lab::test::{block_on, Fake};
    use crate::services::lab::Rows;
    use crate::state::drop_guard::sentence;

    fn threat(table: &str, column: Option<&str>) -> Threat {
        Threat {
            code: "ban-drop-column".into(),
            message: String::new(),
            table: table.into(),
            column: column.map(str::to_owned),
        }
    }

    #[test]
    fn count_each_target_once_ok() {
        let fake = Fake {
            rows: Rows { columns: vec!["count".into()], rows: vec![vec![Some("16".into())]] },
            ..Default::default()
        };
        let stakes = block_on(count(
            &fake,
            &[
                threat("expenses", Some("legacy_notes")),
                threat("expenses", Some("legacy_notes")),
                threat("expenses", None),
            ],
        ))
        .expect("counted");
        assert_eq!(
            stakes.iter().map(|s| (s.target.as_str(), s.whole_table, s.count)).collect::<Vec<_>>(),
            [("expenses.legacy_notes", false, 16), ("expenses", true, 16)]
        );
        assert_eq!(sentence(&stakes), "This would destroy 16 non-null values of `expenses.legacy_notes` and 16 rows of `expenses`.");
    }

    #[test]
    fn truncate_at_stake_err() {
        let fake = Fake {
            rows: Rows { columns: vec!["count".into()], rows: vec![vec![Some("40".into())]] },
            ..Default::default()
        };
        let (threats, stakes) =
            block_on(of_sql(&fake, "TRUNCATE expenses")).expect("the rules run");
        assert_eq!(threats.len(), 1);
        assert_eq!(sentence(&stakes), "This would destroy 40 rows of `expenses`.");
    }

    #[test]
    fn select_is_safe_ok() {
        let (threats, stakes) = block_on(of_sql(&Fake::default(), "SELECT count(*) FROM expenses"))
            .expect("the rules run");
        assert!(threats.is_empty() && stakes.is_empty());
    }
}
