//! The built-in `echo` provisioner: instead of running Terraform it replays provisioner
//! responses stored in the template archive, as Coder's `provisioner/echo` does. A file
//! `<i>.<stage>.protobuf` (or `<i>.<transition>.<stage>.protobuf`, preferred) holds the i-th
//! serialized `provisioner.Response` of a stage; log responses become job logs and the stage's
//! `*Complete` response is its result. In-process daemons run echo jobs through the same queue
//! and the same `UpdateJob`/`CompleteJob`/`FailJob` code as external daemons.

use std::collections::HashMap;
use std::io::Read;

use prost::Message;

use super::proto::{provisioner as sdk, provisionerd as pd};
use super::Daemon;
use crate::app::App;
use crate::clock;
use crate::error::Result;

/// What running a job produced: log lines, the README, and how it ended.
#[derive(Debug)]
pub struct Outcome {
    /// Log lines, in order.
    pub logs: Vec<pd::Log>,
    /// The README the parse stage found.
    pub readme: Vec<u8>,
    /// Completion or failure.
    pub result: std::result::Result<pd::CompletedJob, pd::FailedJob>,
}

/// The files of a tar archive, by path (leading `./` removed).
fn untar(archive: &[u8]) -> std::result::Result<HashMap<String, Vec<u8>>, String> {
    let mut files = HashMap::new();
    let mut tar = tar::Archive::new(archive);
    for entry in tar.entries().map_err(|e| format!("read archive: {e}"))? {
        let mut entry = entry.map_err(|e| format!("read archive: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().map_err(|e| format!("read archive: {e}"))?.to_string_lossy().trim_start_matches("./").to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).map_err(|e| format!("read archive: {e}"))?;
        files.insert(path, data);
    }
    Ok(files)
}

/// The responses of one stage: `<i>.<transition>.<suffix>` or `<i>.<suffix>` for i = 0, 1, ...
fn responses(files: &HashMap<String, Vec<u8>>, transition: &str, suffix: &str) -> std::result::Result<Vec<sdk::Response>, String> {
    let mut out = Vec::new();
    for i in 0.. {
        let specific = format!("{i}.{transition}.{suffix}");
        let generic = format!("{i}.{suffix}");
        let Some(data) = files.get(&specific).or_else(|| files.get(&generic)) else {
            if i == 0 {
                return Err(format!("no state: {generic} is not in the archive"));
            }
            return Ok(out);
        };
        out.push(sdk::Response::decode(data.as_slice()).map_err(|e| format!("unmarshal {generic}: {e}"))?);
    }
    Ok(out)
}

struct Run<'a> {
    files: &'a HashMap<String, Vec<u8>>,
    logs: Vec<pd::Log>,
}

impl Run<'_> {
    fn log(&mut self, stage: &str, level: i32, output: &str) {
        self.logs.push(pd::Log {
            source: pd::LogSource::Provisioner as i32,
            level,
            created_at: (clock::now().unix_timestamp_nanos() / 1_000_000) as i64,
            stage: stage.into(),
            output: output.into(),
        });
    }

    /// Replays one stage; `pick` finds the stage's result in a response.
    fn stage<T>(
        &mut self,
        stage: &str,
        transition: &str,
        suffix: &str,
        pick: impl Fn(sdk::response::Type) -> Option<T>,
    ) -> std::result::Result<T, String> {
        let responses = responses(self.files, transition, suffix)?;
        for r in responses {
            match r.r#type {
                Some(sdk::response::Type::Log(l)) => self.log(stage, l.level, &l.output),
                Some(t) => {
                    if let Some(done) = pick(t) {
                        return Ok(done);
                    }
                }
                None => {}
            }
        }
        Err(format!("{suffix}: complete response missing"))
    }
}

fn failed(job_id: &str, error: String) -> pd::FailedJob {
    pd::FailedJob {
        job_id: job_id.into(),
        error,
        r#type: Some(pd::failed_job::Type::TemplateImport(pd::failed_job::TemplateImport {})),
        error_code: String::new(),
    }
}

/// Runs an import the way Coder's runner does (parse, init, then plan and graph for the start
/// and stop transitions), reading every stage's responses from the archive.
pub fn run_import(job: &pd::AcquiredJob) -> Outcome {
    let files = match untar(&job.template_source_archive) {
        Ok(f) => f,
        Err(e) => return Outcome { logs: Vec::new(), readme: Vec::new(), result: Err(failed(&job.job_id, e)) },
    };
    let mut run = Run { files: &files, logs: Vec::new() };
    let mut readme = Vec::new();
    let result = (|| -> std::result::Result<pd::CompletedJob, String> {
        use sdk::response::Type as T;
        let parse = run.stage("Parsing template parameters", "unspecified", "parse.protobuf", |t| match t {
            T::Parse(p) => Some(p),
            _ => None,
        })?;
        if !parse.error.is_empty() {
            return Err(parse.error);
        }
        readme = parse.readme.clone();
        let init = run.stage("Initializing", "", "init.protobuf", |t| match t {
            T::Init(i) => Some(i),
            _ => None,
        })?;
        if !init.error.is_empty() {
            return Err(init.error);
        }
        let mut graphs = Vec::new();
        for (transition, stage) in [("start", "Detecting persistent resources"), ("stop", "Detecting ephemeral resources")] {
            let plan = run.stage(stage, transition, "plan.protobuf", |t| match t {
                T::Plan(p) => Some(p),
                _ => None,
            })?;
            if !plan.error.is_empty() {
                return Err(plan.error);
            }
            let graph = run.stage(stage, transition, "graph.protobuf", |t| match t {
                T::Graph(g) => Some(g),
                _ => None,
            })?;
            if !graph.error.is_empty() {
                return Err(graph.error);
            }
            graphs.push(graph);
        }
        let stop = graphs.pop().unwrap_or_default();
        let start = graphs.pop().unwrap_or_default();
        Ok(pd::CompletedJob {
            job_id: job.job_id.clone(),
            r#type: Some(pd::completed_job::Type::TemplateImport(pd::completed_job::TemplateImport {
                start_resources: start.resources,
                stop_resources: stop.resources,
                rich_parameters: start.parameters,
                presets: start.presets,
                has_ai_tasks: start.has_ai_tasks,
                has_external_agents: start.has_external_agents,
                ..Default::default()
            })),
        })
    })();
    let result = result.map_err(|e| failed(&job.job_id, e));
    Outcome { logs: run.logs, readme, result }
}

fn failed_build(job_id: &str, error: String, code: &str, state: Vec<u8>) -> pd::FailedJob {
    pd::FailedJob {
        job_id: job_id.into(),
        error,
        r#type: Some(pd::failed_job::Type::WorkspaceBuild(pd::failed_job::WorkspaceBuild { state, timings: Vec::new() })),
        error_code: code.into(),
    }
}

impl App {
    /// Runs a build the way Coder's runner does: init, plan (charging quota for a start whose
    /// plan costs something), apply, graph, each replayed from the archive for the transition.
    fn run_build(&self, daemon: &Daemon, job: &pd::AcquiredJob, build: &pd::acquired_job::WorkspaceBuild) -> Outcome {
        let fail = |e: String| failed_build(&job.job_id, e, "", build.state.clone());
        let files = match untar(&job.template_source_archive) {
            Ok(f) => f,
            Err(e) => return Outcome { logs: Vec::new(), readme: Vec::new(), result: Err(fail(e)) },
        };
        let transition = match build.metadata.as_ref().map(|m| m.workspace_transition) {
            Some(t) if t == sdk::WorkspaceTransition::Stop as i32 => "stop",
            Some(t) if t == sdk::WorkspaceTransition::Destroy as i32 => "destroy",
            _ => "start",
        };
        let apply_stage = match transition {
            "stop" => "Stopping workspace",
            "destroy" => "Destroying workspace",
            _ => "Starting workspace",
        };
        let mut run = Run { files: &files, logs: Vec::new() };
        let result = (|| -> std::result::Result<pd::CompletedJob, pd::FailedJob> {
            use sdk::response::Type as T;
            let init = run.stage("Initializing", "", "init.protobuf", |t| match t {
                T::Init(i) => Some(i),
                _ => None,
            });
            match init {
                Ok(i) if !i.error.is_empty() => return Err(fail(i.error)),
                Err(e) => return Err(fail(e)),
                Ok(_) => {}
            }
            let plan = run
                .stage("Planning infrastructure", transition, "plan.protobuf", |t| match t {
                    T::Plan(p) => Some(p),
                    _ => None,
                })
                .map_err(fail)?;
            if !plan.error.is_empty() {
                return Err(fail(plan.error));
            }
            if transition == "start" && plan.daily_cost > 0 {
                let quota = self
                    .commit_quota(daemon, pd::CommitQuotaRequest { job_id: job.job_id.clone(), daily_cost: plan.daily_cost })
                    .map_err(|e| fail(e.message))?;
                if !quota.ok {
                    return Err(failed_build(&job.job_id, "insufficient quota".into(), "INSUFFICIENT_QUOTA", build.state.clone()));
                }
            }
            let apply = run
                .stage(apply_stage, transition, "apply.protobuf", |t| match t {
                    T::Apply(a) => Some(a),
                    _ => None,
                })
                .map_err(fail)?;
            if !apply.error.is_empty() {
                return Err(failed_build(&job.job_id, apply.error, "", apply.state));
            }
            let graph = run
                .stage(apply_stage, transition, "graph.protobuf", |t| match t {
                    T::Graph(g) => Some(g),
                    _ => None,
                })
                .map_err(fail)?;
            if !graph.error.is_empty() {
                return Err(failed_build(&job.job_id, graph.error, "", apply.state));
            }
            Ok(pd::CompletedJob {
                job_id: job.job_id.clone(),
                r#type: Some(pd::completed_job::Type::WorkspaceBuild(pd::completed_job::WorkspaceBuild {
                    state: apply.state,
                    resources: graph.resources,
                    ..Default::default()
                })),
            })
        })();
        Outcome { logs: run.logs, readme: Vec::new(), result }
    }

    /// Runs an acquired job as the built-in echo provisioner, reporting through the same calls
    /// an external daemon makes.
    pub fn run_echo_job(&self, daemon: &Daemon, job: pd::AcquiredJob) -> Result<()> {
        let job_id = job.job_id.clone();
        let outcome = match &job.r#type {
            Some(pd::acquired_job::Type::TemplateImport(_)) => run_import(&job),
            Some(pd::acquired_job::Type::WorkspaceBuild(b)) => self.run_build(daemon, &job, b),
            _ => Outcome {
                logs: Vec::new(),
                readme: Vec::new(),
                result: Err(failed(&job_id, "the echo provisioner does not run dry runs".into())),
            },
        };
        let update = self.update_job(
            daemon,
            pd::UpdateJobRequest { job_id: job_id.clone(), logs: outcome.logs, readme: outcome.readme, ..Default::default() },
        )?;
        if update.canceled {
            return self.fail_job(daemon, failed(&job_id, "canceled".into()));
        }
        match outcome.result {
            Ok(done) => self.complete_job(daemon, done),
            Err(f) => self.fail_job(daemon, f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, data.as_slice()).unwrap();
        }
        b.into_inner().unwrap()
    }

    fn response(t: sdk::response::Type) -> Vec<u8> {
        sdk::Response { r#type: Some(t) }.encode_to_vec()
    }

    #[test]
    fn import_replays_the_archive() {
        use sdk::response::Type as T;
        let param = sdk::RichParameter { name: "region".into(), r#type: "string".into(), ..Default::default() };
        let archive = tar_of(&[
            ("0.parse.protobuf", response(T::Log(sdk::Log { level: 2, output: "parsing".into() }))),
            ("1.parse.protobuf", response(T::Parse(sdk::ParseComplete { readme: b"# hi".to_vec(), ..Default::default() }))),
            ("0.init.protobuf", response(T::Init(Default::default()))),
            ("0.plan.protobuf", response(T::Plan(Default::default()))),
            ("0.start.graph.protobuf", response(T::Graph(sdk::GraphComplete { parameters: vec![param], ..Default::default() }))),
            ("0.graph.protobuf", response(T::Graph(Default::default()))),
        ]);
        let job = pd::AcquiredJob { job_id: "j".into(), template_source_archive: archive, ..Default::default() };
        let out = run_import(&job);
        assert_eq!(out.logs.len(), 1);
        assert_eq!(out.readme, b"# hi");
        let Some(pd::completed_job::Type::TemplateImport(i)) = out.result.unwrap().r#type else { panic!("not an import") };
        assert_eq!(i.rich_parameters[0].name, "region");
    }

    #[test]
    fn a_missing_stage_fails_the_job() {
        let job = pd::AcquiredJob { job_id: "j".into(), template_source_archive: tar_of(&[]), ..Default::default() };
        let err = run_import(&job).result.unwrap_err();
        assert!(err.error.contains("no state"), "{}", err.error);
    }
}
