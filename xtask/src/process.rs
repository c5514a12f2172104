//! Running child processes: plainly, captured, or echoed live while captured ("tee").

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;

use crate::Result;

/// The command line as a person would type it, for messages.
pub fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(command.get_args().map(|arg| arg.to_string_lossy().into_owned()));
    words.join(" ")
}

fn spawn_error(command: &Command, error: std::io::Error) -> String {
    format!("could not start `{}`: {error}", describe(command))
}

/// Runs with the terminal as stdin/stdout/stderr; an error if it cannot start or exits non-zero.
pub fn run(command: &mut Command) -> Result {
    let status = command.status().map_err(|e| spawn_error(command, e))?;
    check_status(command, status)
}

/// An error naming the command unless `status` is success.
pub fn check_status(command: &Command, status: ExitStatus) -> Result {
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(command)))
    }
}

/// Stdout of a command that ran successfully, or `None` if it is missing or failed: for
/// probing whether a tool is installed and at which version.
pub fn probe(command: &mut Command) -> Option<String> {
    let output = command.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Stdout of a command, which must succeed; its stderr goes to the terminal.
pub fn capture(command: &mut Command) -> Result<Vec<u8>> {
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| spawn_error(command, e))?;
    check_status(command, output.status)?;
    Ok(output.stdout)
}

/// Runs the command, echoing its stdout and stderr line by line as they arrive, and returns
/// its exit status with everything it printed (both streams, interleaved as received).
pub fn tee(command: &mut Command) -> Result<(ExitStatus, String)> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| spawn_error(command, e))?;
    let (sender, receiver) = mpsc::channel::<String>();
    let mut readers = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        readers.push(echo_lines(stdout, sender.clone(), false));
    }
    if let Some(stderr) = child.stderr.take() {
        readers.push(echo_lines(stderr, sender.clone(), true));
    }
    drop(sender);
    let captured: String = receiver.iter().collect();
    for reader in readers {
        let _ = reader.join();
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for `{}`: {e}", describe(command)))?;
    Ok((status, captured))
}

fn echo_lines<R: Read + Send + 'static>(
    stream: R,
    sink: mpsc::Sender<String>,
    to_stderr: bool,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let mut text = String::from_utf8_lossy(&line).into_owned();
                    if !text.ends_with('\n') {
                        text.push('\n');
                    }
                    // Echo failures (a closed terminal) must not stop the capture.
                    let _ = if to_stderr {
                        std::io::stderr().lock().write_all(text.as_bytes())
                    } else {
                        std::io::stdout().lock().write_all(text.as_bytes())
                    };
                    if sink.send(text).is_err() {
                        break;
                    }
                }
            }
        }
    })
}
