//! descope-mgmt: manage a Descope project's tenants, flows and theme as code.
fn main() -> std::process::ExitCode {
    descope_mgmt_cli::main_entry(std::env::args_os())
}
