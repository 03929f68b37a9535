//! The question before an apply: typed confirmation when it deletes anything, a yes/no on a
//! terminal otherwise; `--yes` skips both.

use descope_sync::{Action, ProjectPlan};

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::output::Format;

/// What the deletes of `plan` remove, counted per kind: "2 tenant(s)", "2 tenant(s), 1 role(s)".
fn deletes(plan: &ProjectPlan) -> String {
    let tenants = plan.tenants.summary().delete;
    let mut parts = Vec::new();
    if tenants > 0 {
        parts.push(format!("{tenants} tenant(s)"));
    }
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for c in plan.resources.iter().filter(|c| c.action == Action::Delete) {
        let kind = c.kind.to_string();
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    parts.extend(kinds.into_iter().map(|(k, n)| format!("{n} {k}(s)")));
    parts.join(", ")
}

/// Asks before writing, unless `--yes`.
pub fn confirm(ctx: &Ctx, plan: &ProjectPlan, project_id: &str) -> Result<(), CliError> {
    // A prompt always comes after the plan: with -o json|yaml the plan is not on stdout, so it is
    // shown on stderr above the question.
    let will_prompt = !ctx.global.yes && ctx.out.stdin_tty;
    if will_prompt && !matches!(ctx.out.format, Format::Table) {
        ctx.out
            .status(super::render::project_plan_text(ctx, plan).trim_end());
    }
    if plan.summary().delete > 0 && !ctx.global.yes {
        let what = deletes(plan);
        match ctx.out.confirm_typed(
            &format!("This deletes {what} in project {project_id}."),
            project_id,
        ) {
            Some(true) => Ok(()),
            Some(false) => Err(CliError::new("cancelled; nothing was changed")),
            None => {
                let kinds = if plan.tenants.summary().delete == plan.summary().delete {
                    "tenants"
                } else {
                    "anything"
                };
                Err(CliError::new(format!(
                    "refusing to delete {kinds} without confirmation: stdin is not a terminal"
                ))
                .hint("pass --yes to confirm non-interactively; nothing was changed"))
            }
        }
    } else if !ctx.global.yes && ctx.out.stdin_tty {
        match ctx
            .out
            .confirm(&format!("Apply these changes to project {project_id}?"))
        {
            Some(true) | None => Ok(()),
            Some(false) => Err(CliError::new("cancelled; nothing was changed")),
        }
    } else {
        Ok(())
    }
}
