//! The `coderd` binary: parses configuration and runs a subcommand.

use std::process::ExitCode;

use coderd::config::{Command, LogFormat};

/// mimalloc rather than glibc's malloc: a users page allocates and frees thousands of small
/// objects (rows, strings, JSON) between larger buffers, and glibc spent a quarter of the
/// server's CPU on it (consolidating its fast bins, contending for its arenas).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn init_logging(level: &str, format: LogFormat) -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_new(level).map_err(|e| format!("invalid --log-level {level:?}: {e}"))?;
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Human => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
    Ok(())
}

/// Bounds the memory the allocators hold. glibc (still used by libpq and SQLite) gives each
/// thread that allocates its own arena, up to eight per core; two bound its footprint at no
/// measurable cost. Transparent huge pages are turned off for the process: where the kernel
/// applies them to every mapping (`always`), each 2 MiB region an allocator reserves becomes
/// resident at the first touch, which took the idle server from 38 to 54 MiB.
fn limit_allocator_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator parameters, and prctl only this process's
    // huge-page policy; both run before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    limit_allocator_memory();
    let cli = match coderd::config::parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
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
