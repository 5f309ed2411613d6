"""The sandbox student code runs in: bubblewrap, limits, and a pipe for plain-data requests.

:class:`Sandbox` starts :mod:`.sandbox_child` under bubblewrap (``bwrap``, Debian package
``bubblewrap``) with:

- no network, and private PID, IPC and UTS namespaces: every process a submission starts
  dies with the sandbox (``--die-with-parent``, and the grader kills it after its time);
- a file system of its own: ``/usr``, the base interpreter (at its own path), the virtual
  environment (at ``/opt/python-env``), the student package (:func:`student_site`) and the
  child's two files, all read-only; a size-limited
  ``/tmp`` (a fresh tmpfs) is the only writable place and the working folder. The
  repository, the course directory (submissions, gradebook, results), other students and
  ``$HOME`` are not there at all;
- an unprivileged user: as root, the sandbox drops to a uid/gid of its own, claimed from
  :data:`SANDBOX_UIDS` (65533 downwards, skipping system accounts) with a file lock for as
  long as it runs, with no capabilities and ``no_new_privs`` (``setpriv``); so the process
  limit of one sandbox never counts another's processes, and every process left with that
  uid is killed before the uid is used again. Otherwise it runs as the calling user in a
  user namespace;
- one scheduling group: a seccomp filter (:func:`seccomp_filter`) refuses ``setsid`` (and
  any system call of a foreign ABI), so the processes of a submission stay in the session
  bubblewrap makes, which Linux's autogroup scheduling gives one share of the CPU however
  many processes it holds: a submission that forks busy processes slows itself, not a
  classmate's sandbox running at the same time;
- resource limits (``prlimit``): address space, CPU time, number of processes and file
  size (:class:`Limits`).

With ``Limits(sandbox=False)`` (the command line's ``--no-sandbox``) the child runs as a
plain subprocess: verdicts are still decided outside it, but it can read and write what
the grading user can. The grader warns and records it.

Examples
--------
>>> limits = Limits()
>>> limits.memory_mb, limits.cpu_seconds, limits.processes, limits.file_size_mb
(2048, 600, 64, 64)
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pwd
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from . import plaindata

__all__ = ["Limits", "Sandbox", "SandboxDied", "SandboxTimeout", "bwrap_path",
           "student_site", "seccomp_filter", "MISSING_BWRAP", "SANDBOX_UIDS"]

#: uids the sandboxes run as when the grader runs as root, each claimed by one running sandbox
SANDBOX_UIDS = range(65533, 65533 - 512, -1)
#: where the claims (file locks) on those uids are kept
UID_LOCKS = Path("/run/lock/svdcourse-grade") if Path("/run/lock").is_dir() else \
    Path(tempfile.gettempdir()) / "svdcourse-grade-uids"
_LENGTH = struct.Struct("<Q")
_CHILD = Path(__file__).with_name("sandbox_child.py")
_CODEC = Path(__file__).with_name("plaindata.py")
#: where things appear inside the sandbox
INSIDE_GRADER, INSIDE_SITE, INSIDE_WORK = "/opt/grader", "/opt/student-site", "/tmp/work"
INSIDE_ENV = "/opt/python-env"
MISSING_BWRAP = ("bubblewrap (bwrap) is not installed: student code must not run without a "
                 "sandbox. Install the Debian package 'bubblewrap' (apt-get install "
                 "bubblewrap), or pass --no-sandbox to grade without isolation (not for "
                 "untrusted submissions).")


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandbox (each submission gets its own).

    Parameters
    ----------
    memory_mb : int
        Address space of each process, in MiB (``RLIMIT_AS``).
    cpu_seconds : int
        CPU time of each process (``RLIMIT_CPU``); the wall-clock limits are the grader's.
    processes : int
        Processes and threads of the sandbox's user (``RLIMIT_NPROC``).
    file_size_mb : int
        Largest file a process may write (``RLIMIT_FSIZE``).
    scratch_mb : int
        Size of the writable scratch folder ``/tmp`` (a tmpfs).
    sandbox : bool
        False runs student code without bubblewrap (``--no-sandbox``).
    """

    memory_mb: int = 2048
    cpu_seconds: int = 600
    processes: int = 64
    file_size_mb: int = 64
    scratch_mb: int = 256
    sandbox: bool = True

    def as_dict(self) -> dict:
        return asdict(self)


class SandboxDied(Exception):
    """The sandboxed process stopped (crashed, was killed, exited)."""


class SandboxTimeout(Exception):
    """A request was not answered in time; the sandbox has been killed."""


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, or None when bubblewrap is not installed."""
    return shutil.which("bwrap")


def _tree_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for base in paths:
        files = sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if base.is_dir() else [base]
        for path in files:
            digest.update(str(path.relative_to(base.parent)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def student_site(repo: Path, folder: Path, wheel: Path | None = None) -> Path:
    """A folder holding the ``svdcourse`` package exactly as students install it.

    The student wheel (``wheel``, or one built from ``repo`` with ``python -m build``) is
    unpacked into ``folder/site``; it is built again only when the package's sources
    changed. The sandbox sees this folder read-only and imports ``svdcourse`` from it, never
    from the repository's ``src/``.

    Returns
    -------
    Path
        The site folder (put first on the sandboxed interpreter's ``sys.path``).
    """
    site = folder / "site"
    stamp = site / ".svdcourse-source"
    key = _tree_digest([Path(wheel)]) if wheel else _tree_digest(
        [repo / "pyproject.toml", repo / "src" / "svdcourse"])
    if stamp.is_file() and stamp.read_text() == key:
        return site
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        if wheel is None:
            result = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", tmp,
                                     str(repo)], capture_output=True, text=True)
            built = sorted(Path(tmp).glob("svdcourse-*.whl"))
            if result.returncode != 0 or not built:
                raise RuntimeError("could not build the student wheel (python -m build "
                                   f"--wheel {repo}):\n{result.stderr[-2000:]}")
            wheel = built[0]
        fresh = Path(tmp) / "site"
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(fresh)
        (fresh / stamp.name).write_text(key)
        for path in [fresh, *fresh.rglob("*")]:  # readable by the sandbox's user
            path.chmod(0o755 if path.is_dir() else 0o644)
        if site.exists():
            shutil.rmtree(site)
        fresh.rename(site)
    return site


def _in_venv() -> bool:
    return sys.prefix != sys.base_prefix


def _python_folders() -> list[str]:
    """The folders the base interpreter lives in (bound read-only at the same place)."""
    folders = {sys.base_prefix, sys.base_exec_prefix,
               str(Path(sys.executable).resolve().parent.parent)}
    if not _in_venv():
        folders |= {sys.prefix, sys.exec_prefix}
    kept = []
    for folder in sorted(folders, key=len):
        if folder.startswith("/usr/") or folder == "/usr":
            continue
        if not any(folder == k or folder.startswith(k + "/") for k in kept):
            kept.append(folder)
    return kept


def _python_inside() -> str:
    """The interpreter's path inside the sandbox (a virtual environment appears at
    ``/opt/python-env``, so the folder it lives in, often the repository, stays hidden)."""
    if _in_venv():
        return str(Path(INSIDE_ENV) / Path(sys.executable).relative_to(sys.prefix))
    return sys.executable


def _processes_of(uid: int) -> list[int]:
    """The ids of the processes whose real uid is ``uid``."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/status", "rb") as handle:
                    for line in handle:
                        if line.startswith(b"Uid:"):
                            if int(line.split()[1]) == uid:
                                found.append(int(entry.name))
                            break
            except (OSError, ValueError, IndexError):
                pass
    return found


def _sweep(uid: int, seconds: float = 10.0) -> None:
    """Kill every process of ``uid`` (a sandbox's own uid) and wait until none is left."""
    deadline = time.monotonic() + seconds
    while (left := _processes_of(uid)) and time.monotonic() < deadline:
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02)


def _claim_uid() -> tuple[int, int]:
    """A uid for one sandbox, no account's and no other running sandbox's.

    Returns the uid and the file descriptor of its lock (closing it frees the uid). Every
    process left with that uid (by a sandbox that was killed) is killed first.
    """
    UID_LOCKS.mkdir(mode=0o700, parents=True, exist_ok=True)
    accounts = {entry.pw_uid for entry in pwd.getpwall()}
    for uid in SANDBOX_UIDS:
        if uid in accounts:
            continue
        fd = os.open(UID_LOCKS / str(uid), os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        _sweep(uid)
        return uid, fd
    raise RuntimeError(f"no free uid for a sandbox in {SANDBOX_UIDS}")


#: (audit architecture, number of ``setsid``) of the machines the seccomp filter knows
_SETSID = {"x86_64": (0xC000003E, 112), "aarch64": (0xC00000B7, 157)}


def seccomp_filter(machine: str | None = None) -> bytes | None:
    """A classic BPF seccomp program: ``setsid`` and foreign-ABI calls fail with ``EPERM``.

    None on a machine it does not know (the sandbox then runs without it).

    Examples
    --------
    >>> len(seccomp_filter("x86_64")) // 8  # instructions
    7
    >>> seccomp_filter("sparc") is None
    True
    """
    known = _SETSID.get(machine or os.uname().machine)
    if known is None:
        return None
    arch, setsid = known
    load, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    allow, refuse = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO(EPERM)
    program = [(load, 0, 0, 4),  # the architecture
               (jeq, 0, 4, arch),  # a foreign ABI (i386 on x86_64): refused
               (load, 0, 0, 0),  # the system call's number
               (jge, 2, 0, 0x40000000),  # x32 calls: refused
               (jeq, 1, 0, setsid),
               (ret, 0, 0, allow),
               (ret, 0, 0, refuse)]
    return b"".join(struct.pack("<HBBI", *op) for op in program)


def _bwrap_command(limits: Limits, site: Path, uid: int | None,
                   seccomp_fd: int | None = None) -> list[str]:
    binds = [(folder, folder) for folder in _python_folders()]
    if _in_venv():
        binds.append((sys.prefix, INSIDE_ENV))
    binds += [(str(site), INSIDE_SITE), (str(_CHILD), f"{INSIDE_GRADER}/{_CHILD.name}"),
              (str(_CODEC), f"{INSIDE_GRADER}/{_CODEC.name}")]
    as_root = os.geteuid() == 0
    command = [bwrap_path(), "--die-with-parent", "--new-session", "--unshare-pid",
               "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if not as_root:
        command += ["--unshare-user"]
    command += ["--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
                "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
                "--symlink", "usr/sbin", "/sbin", "--proc", "/proc", "--dev", "/dev",
                "--size", str(limits.scratch_mb * 2**20), "--perms", "1777", "--tmpfs", "/tmp"]
    made: set[str] = set()
    for _, inside in binds:
        for parent in reversed(Path(inside).parents):
            if str(parent) not in made and parent != Path("/") and not str(parent).startswith(
                    ("/usr", "/tmp")):
                command += ["--perms", "0755", "--dir", str(parent)]
                made.add(str(parent))
    for outside, inside in binds:
        command += ["--ro-bind", outside, inside]
    if seccomp_fd is not None:
        command += ["--seccomp", str(seccomp_fd)]
    command += ["--chdir", "/tmp", "--clearenv"]
    if as_root:
        command += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                    "setpriv", f"--reuid={uid}", f"--regid={uid}",
                    "--clear-groups", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all"]
    else:
        command += ["--"]
    return command


def _environment(home: str) -> dict[str, str]:
    return {
        "HOME": home, "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{home}/.matplotlib",
        "IPYTHONDIR": f"{home}/.ipython", "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


class Sandbox:
    """One sandboxed Python process serving one submission.

    Parameters
    ----------
    limits : Limits
    site : Path
        The student package's folder (:func:`student_site`).

    Examples
    --------
    The sandbox is started at once (so the next one can start while a submission runs)::

        box = Sandbox(Limits(), site)
        box.request({"op": "run", "source": "x = 1", "label": "cell"}, timeout=10)
        box.close()
    """

    def __init__(self, limits: Limits, site: Path) -> None:
        self.limits = limits
        self._scratch = None
        self.uid, self._uid_lock = None, None
        rlimits = [f"--as={limits.memory_mb * 2**20}", f"--cpu={limits.cpu_seconds}",
                   f"--nproc={limits.processes}", f"--fsize={limits.file_size_mb * 2**20}",
                   "--core=0", "--nofile=256"]
        seccomp_fd = None
        if limits.sandbox:
            if bwrap_path() is None:
                raise RuntimeError(MISSING_BWRAP)
            if os.geteuid() == 0:
                self.uid, self._uid_lock = _claim_uid()
            program, seccomp_fd = seccomp_filter(), None
            if program is not None:
                seccomp_fd, write_end = os.pipe()
                os.write(write_end, program)
                os.close(write_end)
            command = _bwrap_command(limits, site, self.uid, seccomp_fd)
            env = None
            child, site_arg, work = f"{INSIDE_GRADER}/{_CHILD.name}", INSIDE_SITE, INSIDE_WORK
            home = "/tmp"
            command += ["prlimit", *rlimits, "--", _python_inside(), "-I", child, site_arg, work]
            command[command.index("--clearenv") + 1:command.index("--clearenv") + 1] = [
                arg for key, value in _environment(home).items()
                for arg in ("--setenv", key, value)]
        else:
            self._scratch = tempfile.mkdtemp(prefix="svdcourse-nosandbox-")
            home = self._scratch
            env = _environment(home)
            command = ["prlimit", *rlimits, "--", sys.executable, "-I", str(_CHILD), str(site),
                       os.path.join(self._scratch, "work")]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, cwd=self._scratch or "/", start_new_session=True,
            pass_fds=[seccomp_fd] if limits.sandbox and seccomp_fd is not None else [])
        if limits.sandbox and seccomp_fd is not None:
            os.close(seccomp_fd)
        os.set_blocking(self.process.stdin.fileno(), False)
        self._log: list[bytes] = []
        self._log_thread = threading.Thread(target=self._drain, daemon=True)
        self._log_thread.start()

    def _drain(self) -> None:
        """Keep the last 64 KiB of what the sandbox wrote to its file descriptors 1 and 2."""
        kept = 0
        for chunk in iter(lambda: self.process.stderr.read1(65536), b""):
            self._log.append(chunk)
            kept += len(chunk)
            while kept > 65536 and len(self._log) > 1:
                kept -= len(self._log.pop(0))

    def log(self) -> str:
        """The tail of the sandbox's own output (error messages of a crash)."""
        return b"".join(self._log).decode("utf-8", "replace")[-4000:]

    def alive(self) -> bool:
        return self.process.poll() is None

    def request(self, message: dict, timeout: float) -> dict:
        """Send one request and wait at most ``timeout`` seconds for its reply.

        Raises
        ------
        SandboxTimeout
            No reply in time (the sandbox is killed).
        SandboxDied
            The sandbox stopped, or replied with something that is not a valid message
            (the sandbox is killed).
        """
        data = plaindata.encode(message)
        deadline = time.monotonic() + max(timeout, 0.0)
        self._write(_LENGTH.pack(len(data)) + data, deadline)
        header = self._read(_LENGTH.size, deadline)
        size, = _LENGTH.unpack(header)
        if size > plaindata.MAX_BYTES:
            self.kill()
            raise SandboxDied("the sandboxed process sent an oversized reply")
        try:
            reply = plaindata.decode(self._read(size, deadline))
        except plaindata.NotPlainData as err:
            self.kill()
            raise SandboxDied(f"the sandboxed process sent an invalid reply ({err})") from None
        if not isinstance(reply, dict):
            self.kill()
            raise SandboxDied("the sandboxed process sent an invalid reply")
        return reply

    def _write(self, data: bytes, deadline: float) -> None:
        """Write a request, never waiting past ``deadline`` (a sandbox that stops reading
        its requests cannot hold the grader)."""
        fd, view = self.process.stdin.fileno(), memoryview(data)
        while view:
            left = deadline - time.monotonic()
            ready = select.select([], [fd], [], max(left, 0.0))[1] if left > 0 else []
            if not ready:
                self.kill()
                raise SandboxTimeout("the request was not read in time")
            try:
                view = view[os.write(fd, view[:1 << 20]):]
            except BlockingIOError:
                continue
            except OSError:
                self.kill()
                raise SandboxDied("the sandboxed process stopped") from None

    def _read(self, size: int, deadline: float) -> bytes:
        fd = self.process.stdout.fileno()
        chunks = []
        while size:
            left = deadline - time.monotonic()
            ready = select.select([fd], [], [], max(left, 0.0))[0] if left > 0 else []
            if not ready:
                self.kill()
                raise SandboxTimeout("no answer in time")
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                self.kill()
                raise SandboxDied("the sandboxed process stopped")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        """Kill the sandbox and everything in it (its whole process group and namespace)."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                self.process.kill()
            except OSError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self.uid is not None:
            _sweep(self.uid)

    def close(self) -> None:
        """Stop the sandbox and remove its scratch folder (``--no-sandbox`` only)."""
        self.kill()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
        if self._uid_lock is not None:
            os.close(self._uid_lock)
            self._uid_lock = None
