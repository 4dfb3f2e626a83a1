#!/usr/bin/env python3
"""Runs a command while every other session's dotnet/python/compiler/test process is held with SIGSTOP (re-checked
every 0.5 s, so processes started meanwhile are held too), then resumes them all with SIGCONT, also when the command
fails or is interrupted. For timing runs on the shared 2-core development machine, where other sessions' builds make
two-thread figures meaningless: `python3 tools/hold-others.py bash tools/bench-side-by-side.sh`. Processes of this
shell's own session and of the command's are never held."""
import os, signal, subprocess, sys, time, threading
names = ("dotnet", "VBCSCompiler", "testhost", "MSBuild", "python3", "Axon.", "Distributed", "csc", "mpirun", "orted", "Market", "Fashion", "Credit", "Model", "Recommend")
stopped = set()
def sid_of(pid):
    try: return os.getsid(pid)
    except OSError: return None
def scan(protect_sid):
    me = os.getpid()
    for d in os.listdir("/proc"):
        if not d.isdigit(): continue
        pid = int(d)
        if pid == me or pid in stopped: continue
        try: comm = open(f"/proc/{pid}/comm").read().strip()
        except OSError: continue
        if not comm.startswith(names): continue
        if sid_of(pid) in (protect_sid, os.getsid(0)): continue
        try: os.kill(pid, signal.SIGSTOP); stopped.add(pid)
        except OSError: pass
proc = None
rc = 1
done = False
def holder():
    while not done:
        scan(proc.pid if proc else -1); time.sleep(0.5)
try:
    scan(-1); time.sleep(1.5)
    os.system("uptime")
    proc = subprocess.Popen(sys.argv[1:], start_new_session=True)
    t = threading.Thread(target=holder, daemon=True); t.start()
    rc = proc.wait()
finally:
    done = True
    time.sleep(0.1)
    for pid in stopped:
        try: os.kill(pid, signal.SIGCONT)
        except OSError: pass
sys.exit(rc)
