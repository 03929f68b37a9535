//! descope-mgmt: manage a Descope project's tenants, flows and theme as code.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    descope_mgmt_cli::main_entry(std::env::args_os())
}
