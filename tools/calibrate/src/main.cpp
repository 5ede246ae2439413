// rackscale-calibrate: runs the benchmark groups, keeps each finished group on
// disk (FILE.partial/<group>.yaml) so short GPU slots can resume, and
// assembles the final profile atomically.
#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "cli.hpp"
#include "cuda_util.hpp"
#include "env.hpp"
#include "groups.hpp"

namespace calib {
namespace {

// An error with a specific process exit status.
struct ExitError : std::runtime_error {
  int code;
  ExitError(int c, const std::string& m) : std::runtime_error(m), code(c) {}
};

void init_gpu(const Options& o, DeviceInfo* d) {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) throw ExitError(3, strf("no CUDA device: %s", cudaGetErrorString(e)));
  if (n == 0) throw ExitError(3, "no CUDA device: cudaGetDeviceCount returned 0");
  if (o.device >= n) throw ExitError(2, strf("--device %d out of range (%d CUDA devices visible)", o.device, n));
  e = cudaSetDevice(o.device);
  if (e == cudaSuccess) e = cudaFree(nullptr);  // creates the context
  if (e != cudaSuccess) throw ExitError(3, strf("no CUDA device: %s", cudaGetErrorString(e)));
  query_device(o.device, d);
}

void make_dir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    throw ExitError(2, "cannot create " + path + ": " + std::strerror(errno));
}

std::string group_file(const std::string& dir, const std::string& g) { return dir + "/" + g + ".yaml"; }

Record measured_record(const Record& env) {
  Record m;
  for (const char* k : {"date", "host", "gpu_name", "gpu_uuid", "driver", "quick"})
    if (const Value* v = env.get(k)) m.put(k, *v);
  m.set("date", utc_now_iso());
  return m;
}

void run_group(Ctx& c, const std::string& name, GroupDoc& g, const Record& idle) {
  if (name == "gemm") run_gemm(c, g);
  else if (name == "hbm") run_hbm(c, g);
  else if (name == "attention") run_attention(c, g);
  else if (name == "layer") run_layer(c, g);
  else if (name == "launch") run_launch(c, g);
  else if (name == "power") run_power(c, g, idle);
  else if (name == "nccl") run_nccl(c, g);
  else throw Error("unknown group " + name);
}

std::string resolve_preset(const Options& o, const std::string& gpu_name, std::string* source) {
  if (!o.gpu_preset.empty()) {
    *source = "cli";
    if (!preset_known(o.gpu_preset))
      std::fprintf(stderr, "rackscale-calibrate: note: preset '%s' is not one of h100,h200,b200,gb200,gb300\n",
                   o.gpu_preset.c_str());
    return o.gpu_preset;
  }
  *source = "gpu-name";
  std::string p = guess_preset(gpu_name);
  if (p.empty())
    std::fprintf(stderr, "rackscale-calibrate: warning: cannot map GPU '%s' to a preset; pass --gpu-preset\n",
                 gpu_name.c_str());
  return p;
}

int run_calibration(const Options& o) {
  const std::string pdir = o.out + ".partial";
  DeviceInfo dev;
  init_gpu(o, &dev);
  Nvml nvml;
  std::string why;
  if (!nvml.open(dev.pci_bus_id, &why))
    std::fprintf(stderr, "rackscale-calibrate: warning: no power/clock data: %s\n", why.c_str());
  refine_clocks(nvml, &dev);
  const std::string gpu_name = nvml.ok() && !nvml.name().empty() ? nvml.name() : dev.name;
  std::string source;
  const std::string preset = resolve_preset(o, gpu_name, &source);
  const Record env = environment_record(o, dev, nvml, preset, source);

  make_dir(pdir);
  std::vector<std::string> pending;
  for (const auto& g : o.groups) {
    const std::string f = group_file(pdir, g);
    GroupDoc prev;
    std::string err;
    if (o.resume && read_group_file(f, &prev, &err) && (prev.status == "done" || prev.status == "skipped")) {
      std::string prev_gpu = prev.measured.str("gpu_name");
      if (prev_gpu != gpu_name)
        throw ExitError(2, strf("%s was measured on '%s', this GPU is '%s'; remove %s or run without --resume",
                                f.c_str(), prev_gpu.c_str(), gpu_name.c_str(), pdir.c_str()));
      std::fprintf(stderr, "[%s] kept from %s (%s)\n", g.c_str(), f.c_str(), prev.status.c_str());
      continue;
    }
    if (!o.resume) std::remove(f.c_str());
    pending.push_back(g);
  }

  std::fprintf(stderr, "rackscale-calibrate: %s (%s, sm_%d%d, %d SMs, %.0f GiB), preset %s, %s grid, groups: %s\n",
               gpu_name.c_str(), dev.pci_bus_id.c_str(), dev.cc_major, dev.cc_minor, dev.sm_count,
               dev.hbm_bytes / kGiB, preset.empty() ? "unknown" : preset.c_str(), o.quick ? "quick" : "full",
               pending.empty() ? "(none pending)" : join(pending, ",").c_str());

  Sampler sampler;
  sampler.start(&nvml, 20);
  Stream stream;
  Ctx ctx{o, dev, preset_by_name(preset), stream.get(), nvml, sampler, measure_cfg(o.quick)};

  Record idle;
  for (const auto& g : pending)
    if (g == "power") idle = measure_idle(ctx);  // before anything heats the GPU

  bool failed = false, context_lost = false;
  for (const auto& name : pending) {
    GroupDoc g;
    g.name = name;
    g.status = "done";
    g.measured = measured_record(env);
    const double t0 = now_s();
    std::fprintf(stderr, "[%s] start\n", name.c_str());
    try {
      run_group(ctx, name, g, idle);
    } catch (const Skip& e) {
      g.status = "skipped";
      g.reason = e.what();
    } catch (const std::exception& e) {
      g.status = "failed";  // points measured before the error are kept
      g.reason = e.what();
    }
    (void)cudaSetDevice(o.device);  // the nccl group switches devices
    const double t1 = now_s();
    g.elapsed_s = t1 - t0;
    put_power(g.power, sampler.window(t0, t1));
    write_file_atomic(group_file(pdir, name), group_file_yaml(g));
    std::fprintf(stderr, "[%s] %s in %.1f s (%zu points)%s%s\n", name.c_str(), g.status.c_str(), g.elapsed_s,
                 g.points.size(), g.reason.empty() ? "" : ": ", g.reason.c_str());
    if (g.status == "failed") {
      failed = true;
      (void)cudaGetLastError();
      cudaError_t e = cudaDeviceSynchronize();
      if (e != cudaSuccess) {  // sticky error: nothing else can run in this process
        std::fprintf(stderr, "rackscale-calibrate: CUDA context lost (%s); rerun with --resume\n",
                     cudaGetErrorString(e));
        context_lost = true;
        break;
      }
    }
  }
  sampler.stop();
  if (context_lost) return 4;

  std::vector<GroupDoc> docs;
  for (const auto& g : o.groups) {
    GroupDoc d;
    std::string err;
    if (!read_group_file(group_file(pdir, g), &d, &err)) throw Error("cannot assemble profile: " + err);
    d.name = g;
    docs.push_back(d);
  }
  write_file_atomic(o.out, profile_yaml(env, docs));
  std::fprintf(stderr, "rackscale-calibrate: wrote %s\n", o.out.c_str());
  return failed ? 4 : 0;
}

// Evenly spaced subset of at most n items.
std::vector<Record> sample(const std::vector<Record>& v, size_t n) {
  if (v.size() <= n) return v;
  std::vector<Record> out;
  for (size_t i = 0; i < n; ++i) out.push_back(v[i * (v.size() - 1) / (n - 1)]);
  return out;
}

std::string describe(const std::string& group, const Record& r) {
  if (group == "gemm")
    return strf("%s m=%lld n=%lld k=%lld", r.str("dtype").c_str(), (long long)r.num("m"), (long long)r.num("n"),
                (long long)r.num("k"));
  if (group == "hbm") return strf("%s %.0f MiB", r.str("kind").c_str(), r.num("size_bytes") / kMiB);
  if (group == "layer")
    return strf("%s/tp%lld %s %s=%lld c=%lld", r.str("model").c_str(), (long long)r.num("tp"),
                r.str("phase") == "prefill" ? "pre" : "dec", r.str("phase") == "prefill" ? "t" : "b",
                (long long)r.num("tokens"), (long long)r.num("context"));
  return strf("batch=%lld context=%lld", (long long)r.num("batch"), (long long)r.num("context"));
}

int run_check(const Options& o) {
  Profile prof;
  std::string err;
  if (!read_profile(o.check_profile, &prof, &err)) throw ExitError(2, err);
  DeviceInfo dev;
  init_gpu(o, &dev);
  Nvml nvml;
  std::string why;
  nvml.open(dev.pci_bus_id, &why);
  refine_clocks(nvml, &dev);
  const std::string gpu_name = nvml.ok() && !nvml.name().empty() ? nvml.name() : dev.name;
  const std::string prof_gpu = prof.environment.str("gpu_name");
  if (prof_gpu != gpu_name)
    std::fprintf(stderr, "rackscale-calibrate: warning: profile was measured on '%s', this GPU is '%s'\n",
                 prof_gpu.c_str(), gpu_name.c_str());

  Sampler sampler;  // not started: --check reports time only
  Stream stream;
  Options copt = o;
  copt.quick = false;
  Ctx ctx{copt, dev, preset_by_name(prof.environment.str("gpu_preset")), stream.get(), nvml, sampler,
          measure_cfg(false)};

  struct Item {
    std::string group;
    Record rec;
  };
  std::vector<Item> items;
  auto done = [](const GroupDoc* g, auto pred) {
    std::vector<Record> v;
    if (g && g->status == "done")
      for (const auto& p : g->points)
        if (p.str("status") == "done" && pred(p)) v.push_back(p);
    return v;
  };
  for (const auto& r : sample(done(prof.group("gemm"), [](const Record& p) { return p.num("time_us_median") >= 5; }), 12))
    items.push_back({"gemm", r});
  for (const auto& r : sample(done(prof.group("hbm"), [](const Record& p) { return p.str("l2_resident") == "false"; }), 4))
    items.push_back({"hbm", r});
  for (const auto& r : sample(done(prof.group("attention"), [](const Record&) { return true; }), 4))
    items.push_back({"attention", r});
  for (const auto& r : sample(done(prof.group("layer"), [](const Record&) { return true; }), 3))
    items.push_back({"layer", r});
  if (items.empty()) throw ExitError(2, o.check_profile + " has no gemm/hbm/attention/layer points to check");

  ctx.warm_gpu(300);
  std::printf("%-10s %-34s %12s %12s %8s\n", "group", "point", "profile_us", "now_us", "drift");
  int drifted = 0, errors = 0, checked = 0;
  for (const auto& it : items) {
    Record fresh;
    std::string note;
    bool ok = false;
    try {
      if (it.group == "gemm") ok = recheck_gemm(ctx, it.rec, &fresh);
      else if (it.group == "hbm") ok = recheck_hbm(ctx, it.rec, &fresh);
      else if (it.group == "layer") ok = recheck_layer(ctx, it.rec, &fresh);
      else ok = recheck_attention(ctx, it.rec, &fresh);
    } catch (const std::exception& e) {
      note = e.what();
      ++errors;
    }
    const double old_us = it.rec.num("time_us_median", NAN);
    if (!ok || fresh.str("status") != "done") {
      std::printf("%-10s %-34s %12.2f %12s %8s  %s\n", it.group.c_str(), describe(it.group, it.rec).c_str(), old_us,
                  "-", "-", note.empty() ? "cannot re-measure here" : note.c_str());
      continue;
    }
    const double new_us = fresh.num("time_us_median", NAN);
    const double drift = new_us / old_us - 1.0;
    const bool bad = !(std::fabs(drift) <= 0.10);
    drifted += bad;
    ++checked;
    std::printf("%-10s %-34s %12.2f %12.2f %+7.1f%%%s\n", it.group.c_str(), describe(it.group, it.rec).c_str(),
                old_us, new_us, drift * 100.0, bad ? "  DRIFT" : "");
  }
  std::printf("checked %d points: %d drifted by more than 10 %%%s\n", checked, drifted,
              errors ? strf(", %d errors", errors).c_str() : "");
  if (drifted) return 1;
  return errors || checked == 0 ? 4 : 0;
}

}  // namespace
}  // namespace calib

int main(int argc, char** argv) {
  using namespace calib;
  Options o;
  std::string err;
  switch (parse_args(argc, argv, &o, &err)) {
    case ParseResult::Help: return 0;
    case ParseResult::Error:
      std::fprintf(stderr, "rackscale-calibrate: %s (see --help)\n", err.c_str());
      return 2;
    case ParseResult::Ok: break;
  }
  if (o.dry_run) {
    print_plan(o);
    return 0;
  }
  try {
    return o.check_profile.empty() ? run_calibration(o) : run_check(o);
  } catch (const ExitError& e) {
    std::fprintf(stderr, "rackscale-calibrate: %s\n", e.what());
    return e.code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rackscale-calibrate: error: %s\n", e.what());
    return 4;
  }
}
