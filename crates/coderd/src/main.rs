//! The `coderd` binary: parses configuration and runs a subcommand.

use std::process::ExitCode;

use clap::Parser;
use coderd::config::{Cli, Command, LogFormat};

fn init_logging(level: &str, format: LogFormat) -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_new(level).map_err(|e| format!("invalid --log-level {level:?}: {e}"))?;
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Human => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
    Ok(())
}

/// glibc gives each thread that allocates its own malloc arena (up to eight per core); with a
/// blocking pool of database threads most of that memory sits idle. Two arenas bound the
/// server's footprint at no measurable cost in throughput.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator parameters; it is called before any other thread
    // exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Openapi => {
            print!("{}", transport::openapi::document_json());
            Ok(())
        }
        Command::License(cmd) => coderd::license_cli::run(&cmd).map(|out| print!("{out}")),
        Command::Migrate(db) => init_logging("info", LogFormat::Human).and_then(|_| coderd::open_store(&db).map(|_| ())).map(|_| {
            eprintln!("migrations applied");
        }),
        Command::Server(args) => init_logging(&args.log_level, args.log_format).and_then(|_| {
            actix_web::rt::System::new().block_on(async move {
                let prepared = coderd::prepare(&args)?;
                tracing::info!(address = %prepared.addr, version = coderd::VERSION, "coderd listening");
                // actix handles SIGTERM/SIGINT: it stops accepting, lets in-flight requests
                // finish within the grace period, then returns.
                prepared.serve().await
            })
        }),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("coderd: {e}");
            ExitCode::FAILURE
        }
    }
}
