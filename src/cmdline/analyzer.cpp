#include "cmdline/analyzer.h"

#include <algorithm>

#include "cmdline/argv.h"
#include "cmdline/cmd_builtins.h"
#include "cmdline/cmd_syntax.h"
#include "cmdline/env.h"
#include "cmdline/obfuscation.h"
#include "cmdline/powershell.h"
#include "cmdline/program.h"
#include "cmdline/switches.h"
#include "cmdline/text.h"
#include "core/limits.h"

namespace cmdsentry::cmdline {
namespace {

// Mutable state of one cmd.exe instance.
struct Shell {
  Environment env;
  bool delayed = false;
  int depth = 0;    // depth of the commands this shell runs
  int parent = -1;  // index of the cmd.exe command
};

// `cmd/c whoami`, `cmd,/c;net user`: cmd.exe ends a program word at '/', ',', ';' or '=', so
// switches may be glued to it. Only for a bare word (no directory, no drive).
void unglue_switch(std::string& word, std::string& rest) {
  const std::size_t cut = word.find_first_of("/,;=");
  if (cut == std::string::npos || cut == 0) return;
  if (word.find_first_of("\\:") < cut) return;
  rest = word.substr(cut) + (rest.empty() ? "" : " ") + rest;
  word.resize(cut);
}

// A program word still holding %VAR% (nobody expanded it): expand with the default table.
std::string expand_word(std::string_view word, Analysis& a) {
  if (word.find('%') == std::string_view::npos) return std::string(word);
  if (ifind(word, "%comspec") != std::string_view::npos) add_reason(a, Obfuscation::kComspec);
  return expand_variables(word, Environment{}, '%');
}

class Walker {
 public:
  Analysis run(const ProcessInput& in);

 private:
  Analysis a_;

  void note(std::string_view what);
  int add(AnalyzedCommand cmd);
  void dispatch(AnalyzedCommand cmd);
  void process_line(std::string_view line, Origin origin, int depth, int parent, bool via_cmd);
  void run_cmd(const AnalyzedCommand& cmd, int index);
  void run_powershell(int index);
  void run_wmic(int index);
  void run_launcher(int index);
  void run_psexec(int index);
  void run_nested(std::string_view line, Origin origin, int index);
  void run_text(std::string_view text, Shell& sh, int nesting);
  void run_commands(std::string_view expanded, Shell& sh, int nesting);
  void run_simple(const SimpleCommand& sc, Shell& sh, int nesting);
  void check_mixed_case(std::string_view word, const std::vector<std::string>& args);
};

void Walker::note(std::string_view what) {
  a_.truncated = true;
  if (std::find(a_.notes.begin(), a_.notes.end(), what) == a_.notes.end()) {
    a_.notes.emplace_back(what);
  }
}

int Walker::add(AnalyzedCommand cmd) {
  if (a_.commands.size() >= limits::kMaxCommandsPerLine) {
    note("kMaxCommandsPerLine");
    return -1;
  }
  if (classify_arguments(cmd)) add_reason(a_, Obfuscation::kUnusualDash);
  a_.commands.push_back(std::move(cmd));
  return static_cast<int>(a_.commands.size()) - 1;
}

void Walker::check_mixed_case(std::string_view word, const std::vector<std::string>& args) {
  std::string_view base = word;
  const std::size_t slash = last_path_separator(base);
  if (slash != std::string_view::npos) base.remove_prefix(slash + 1);
  const std::size_t dot = base.rfind('.');
  if (dot != std::string_view::npos && dot > 0) base = base.substr(0, dot);
  bool mixed = is_mixed_case_word(base);
  if (!mixed && !args.empty() && dash_prefix(args[0]) == 0 &&
      std::all_of(args[0].begin(), args[0].end(),
                  [](char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; })) {
    mixed = is_mixed_case_word(args[0]);
  }
  if (mixed) add_reason(a_, Obfuscation::kMixedCase);
}

// Adds a program command and follows what it runs.
void Walker::dispatch(AnalyzedCommand cmd) {
  const bool shell = cmd.program == "cmd" || is_powershell(cmd.program);
  // A shell stored in a task, a service or a wmic/forfiles/at command is how those launchers
  // are used, not shell nesting for obfuscation.
  const bool launched = cmd.origin == Origin::kWmiCreate || cmd.origin == Origin::kScheduledTask ||
                        cmd.origin == Origin::kServiceBinPath || cmd.origin == Origin::kAtJob ||
                        cmd.origin == Origin::kForfiles || cmd.origin == Origin::kRemoteExec;
  if (shell && cmd.depth >= 1 && !launched) {
    add_reason(a_, Obfuscation::kNestedShell);
  }
  const int index = add(std::move(cmd));
  if (index < 0) return;
  const AnalyzedCommand& c = a_.commands[static_cast<std::size_t>(index)];
  if (c.program == "cmd" || c.program == "cmd.exe") {
    run_cmd(c, index);
  } else if (is_powershell(c.program)) {
    run_powershell(index);
  } else if (c.program == "wmic") {
    run_wmic(index);
  } else if (c.program == "schtasks" || c.program == "sc" || c.program == "at" ||
             c.program == "forfiles") {
    run_launcher(index);
  } else if (c.program == "psexec" || c.program == "psexec64" || c.program == "paexec") {
    run_psexec(index);
  }
}

void Walker::process_line(std::string_view line, Origin origin, int depth, int parent,
                          bool via_cmd) {
  if (depth > limits::kMaxShellDepth) {
    note("kMaxShellDepth");
    return;
  }
  ProgramToken tok = split_program(line);
  std::string rest(tok.rest);
  unglue_switch(tok.program, rest);
  tok.program = expand_word(tok.program, a_);
  const ProgramName pn = program_name(tok.program);
  if (pn.name.empty()) return;
  AnalyzedCommand cmd;
  cmd.program = pn.name;
  cmd.image_name = pn.file;
  cmd.extension = pn.extension;
  bool cut = false;
  cmd.args = split_args(rest, &cut);
  if (cut) note("kMaxArgsPerCommand");
  cmd.arg_string = std::move(rest);
  cmd.origin = origin;
  cmd.depth = depth;
  cmd.parent = parent;
  cmd.via_cmd = via_cmd;
  check_mixed_case(tok.program, cmd.args);
  dispatch(std::move(cmd));
}

void Walker::run_cmd(const AnalyzedCommand& cmd, int index) {
  const CmdOptions opt = parse_cmd_options(cmd.arg_string);
  if (opt.separators > 0) add_reason(a_, Obfuscation::kPadding);
  if (!opt.runs_command) return;
  if (cmd.depth + 1 > limits::kMaxShellDepth) {
    note("kMaxShellDepth");
    return;
  }
  Shell sh;
  sh.delayed = opt.delayed;
  sh.depth = cmd.depth + 1;
  sh.parent = index;
  run_text(opt.command, sh, 0);
}

void Walker::run_text(std::string_view text, Shell& sh, int nesting) {
  if (ifind(text, "%comspec") != std::string_view::npos) add_reason(a_, Obfuscation::kComspec);
  ExpandStats st;
  const std::string expanded = expand_variables(text, sh.env, '%', &st);
  if (st.substrings > 0) add_reason(a_, Obfuscation::kEnvSubstring);
  if (st.replacements > 0) add_reason(a_, Obfuscation::kEnvReplace);
  if (st.truncated) note("kMaxExpandedBytes");
  run_commands(expanded, sh, nesting);
}

void Walker::run_commands(std::string_view expanded, Shell& sh, int nesting) {
  if (nesting > limits::kMaxShellDepth) {
    note("kMaxShellDepth");
    return;
  }
  ChainStats cs;
  const std::vector<SimpleCommand> chain = split_chain(expanded, &cs);
  if (cs.carets > 0) add_reason(a_, Obfuscation::kCaret);
  if (cs.paren_limit) note("kMaxParenDepth");
  if (cs.count_limit) note("kMaxCommandsPerLine");
  for (const SimpleCommand& sc : chain) {
    if (a_.commands.size() >= limits::kMaxCommandsPerLine) {
      note("kMaxCommandsPerLine");
      return;
    }
    run_simple(sc, sh, nesting);
  }
}

void Walker::run_simple(const SimpleCommand& sc, Shell& sh, int nesting) {
  std::string text = sc.text;
  if (sh.delayed && text.find('!') != std::string::npos) {
    ExpandStats st;
    text = expand_variables(text, sh.env, '!', &st);
    if (st.expanded > 0) add_reason(a_, Obfuscation::kDelayedExpansion);
    if (st.truncated) note("kMaxExpandedBytes");
  }
  const CommandWord cw = split_command_word(text);
  if (cw.word.empty()) return;
  if (cw.odd_quotes) add_reason(a_, Obfuscation::kOddQuoting);
  if (cw.separators > 0) add_reason(a_, Obfuscation::kPadding);
  std::string lw = to_lower(cw.word);
  std::string_view rest = cw.rest;
  // Builtins glued to punctuation: echo. echo: cd.. cd\ .
  std::string glued;
  if ((lw.starts_with("echo") && lw.size() > 4 && (lw[4] == '.' || lw[4] == ':')) ||
      (lw.starts_with("cd") && lw.size() > 2 && (lw[2] == '.' || lw[2] == '\\'))) {
    const std::size_t n = lw.starts_with("echo") ? 4 : 2;
    glued = cw.word.substr(n) + (cw.rest.empty() ? "" : " ") + cw.rest;
    rest = glued;
    lw.resize(n);
  }
  if (lw == "else") {
    run_commands(rest, sh, nesting + 1);
    return;
  }
  check_mixed_case(cw.word, split_args(rest));
  if (lw == "call") {
    if (!rest.empty() && rest.front() == ':') return;  // call :label
    ExpandStats st;
    const std::string again = expand_variables(rest, sh.env, '%', &st);
    if (st.expanded > 0) add_reason(a_, Obfuscation::kIndirection);
    run_commands(again, sh, nesting + 1);
    return;
  }

  const ProgramName pn = program_name(cw.word);
  const bool has_path = cw.word.find_first_of("\\/:") != std::string::npos;
  const bool builtin = !has_path && pn.extension.empty() && is_cmd_builtin(pn.name);

  AnalyzedCommand cmd;
  cmd.program = builtin ? lw : pn.name;
  cmd.image_name = builtin ? std::string() : pn.file;
  cmd.extension = builtin ? std::string() : pn.extension;
  bool cut = false;
  cmd.args = split_args(rest, &cut);
  if (cut) note("kMaxArgsPerCommand");
  cmd.arg_string.assign(rest);
  cmd.redirects = sc.redirects;
  cmd.piped = sc.piped;
  cmd.origin = Origin::kCmdChain;
  cmd.depth = sh.depth;
  cmd.parent = sh.parent;
  cmd.via_cmd = true;
  cmd.cmd_builtin = builtin;
  if (!builtin) {
    dispatch(std::move(cmd));
    return;
  }
  const int index = add(std::move(cmd));
  if (index < 0) return;
  if (lw == "set") {
    if (auto as = parse_set(rest)) {
      if (as->value.empty()) {
        sh.env.unset(as->name);
      } else if (!sh.env.set(as->name, as->value)) {
        note("kMaxSetVariables");
      }
    }
  } else if (lw == "if") {
    run_commands(if_body(rest), sh, nesting + 1);
  } else if (lw == "for") {
    if (auto loop = for_loop(rest)) {
      if (!loop->set_command.empty()) run_commands(loop->set_command, sh, nesting + 1);
      run_commands(loop->body, sh, nesting + 1);
    }
  } else if (lw == "start") {
    const std::string_view target = start_target(rest);
    if (!target.empty()) process_line(target, Origin::kCmdChain, sh.depth + 1, index, true);
  }
}

void Walker::run_powershell(int index) {
  AnalyzedCommand& c = a_.commands[static_cast<std::size_t>(index)];
  auto script = powershell_script(c.args);
  if (!script) return;
  if (script->encoded) add_reason(a_, Obfuscation::kEncodedCommand);
  if (script->truncated) note("kMaxDecodedScriptBytes");
  if (script->decode_failed) return;
  if (script->encoded) c.decoded_script = script->text;
  if (is_download_cradle(script->text)) add_reason(a_, Obfuscation::kDownloadCradle);
  const int depth = c.depth + 1;
  if (depth > limits::kMaxShellDepth) {
    note("kMaxShellDepth");
    return;
  }
  for (const std::string& stmt : native_invocations(script->text)) {
    if (a_.commands.size() >= limits::kMaxCommandsPerLine) {
      note("kMaxCommandsPerLine");
      return;
    }
    process_line(stmt, Origin::kPowerShell, depth, index, false);
  }
}

void Walker::run_wmic(int index) {
  const AnalyzedCommand& c = a_.commands[static_cast<std::size_t>(index)];
  const auto& args = c.args;
  // Only the Win32_Process class creates processes (`shadowcopy call create` does not).
  const auto& sub = c.subcommands;
  const bool process_class = (!sub.empty() && sub[0] == "process") ||
                             (sub.size() >= 2 && sub[0] == "path" && sub[1] == "win32_process");
  if (!process_class) return;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (!iequals(args[i], "create") || !iequals(args[i - 1], "call")) continue;
    if (i + 1 >= args.size()) return;
    std::string line;
    if (i + 2 == args.size()) {
      line = args[i + 1];
    } else {
      for (std::size_t j = i + 1; j < args.size(); ++j) {
        if (!line.empty()) line += ' ';
        const bool blank = args[j].find_first_of(" \t") != std::string::npos;
        line += blank ? "\"" + args[j] + "\"" : args[j];
      }
    }
    // wmic's value list is comma-separated: `create "cmd /c x",null`.
    process_line(line, Origin::kWmiCreate, c.depth + 1, index, false);
    return;
  }
}

namespace {

// Index of the argument after the switch `name` ("/tr", "/c"; any dash), or npos.
std::size_t value_of_switch(const std::vector<std::string>& args, std::string_view name) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    const std::size_t dash = dash_prefix(args[i]);
    if (dash > 0 && iequals(std::string_view(args[i]).substr(dash), name)) return i + 1;
  }
  return std::string::npos;
}

bool looks_like_time(std::string_view a) {
  const std::size_t colon = a.find(':');
  return colon != std::string_view::npos && colon > 0 && colon <= 2 && a[0] >= '0' && a[0] <= '9';
}

}  // namespace

// Launchers that store a command for later (a task, a service, an at job) or run it per file:
// the stored line is what the attacker wants run, analysed as a nested command with its own
// origin and the launcher's remote targets (`schtasks /s h`, `sc \\h`, `at \\h`).
void Walker::run_launcher(int index) {
  const AnalyzedCommand& c = a_.commands[static_cast<std::size_t>(index)];
  const auto& args = c.args;
  std::string line;
  Origin origin = Origin::kForfiles;
  if (c.program == "schtasks") {
    const bool create = std::any_of(args.begin(), args.end(), [](const std::string& a) {
      return dash_prefix(a) > 0 && iequals(std::string_view(a).substr(dash_prefix(a)), "create");
    });
    const std::size_t v = value_of_switch(args, "tr");
    if (!create || v == std::string::npos) return;
    line = args[v];
    origin = Origin::kScheduledTask;
  } else if (c.program == "sc") {
    const auto& sub = c.subcommands;
    if (sub.empty() || (sub[0] != "create" && sub[0] != "config")) return;
    for (std::size_t i = 0; i < args.size() && line.empty(); ++i) {
      if (iequals(args[i], "binpath=") && i + 1 < args.size()) {
        line = args[i + 1];
      } else if (istarts_with(args[i], "binpath=") && args[i].size() > 8) {
        line = args[i].substr(8);
      }
    }
    origin = Origin::kServiceBinPath;
  } else if (c.program == "at") {
    std::size_t i = 0;
    while (i < args.size() && !looks_like_time(args[i])) ++i;
    for (++i; i < args.size(); ++i) {
      if (dash_prefix(args[i]) > 0 && line.empty()) continue;  // /every:, /next:, /interactive
      if (!line.empty()) line += ' ';
      const bool blank = args[i].find_first_of(" \t") != std::string::npos;
      line += blank && i + 1 < args.size() ? "\"" + args[i] + "\"" : args[i];
    }
    origin = Origin::kAtJob;
  } else {
    const std::size_t v = value_of_switch(args, "c");
    if (v == std::string::npos) return;
    line = args[v];
  }
  run_nested(line, origin, index);
}

// The stored or remote line of launcher `index`, analysed one level deeper; every command it
// yields keeps the launcher's remote targets (the host it will run on).
void Walker::run_nested(std::string_view line, Origin origin, int index) {
  if (line.empty()) return;
  const AnalyzedCommand& c = a_.commands[static_cast<std::size_t>(index)];
  const std::vector<std::string> targets = c.targets;
  const std::size_t before = a_.commands.size();
  process_line(line, origin, c.depth + 1, index, false);
  for (std::size_t k = before; k < a_.commands.size(); ++k) {
    auto& t = a_.commands[k].targets;
    for (const std::string& h : targets) {
      if (std::find(t.begin(), t.end(), h) == t.end()) t.push_back(h);
    }
  }
}

// `psexec [\\host[,host]|@file] [-u user] [-p pw] [-s] [-i [n]] [-w dir] ... <program> [args]`
// (PsExec's usage text; PAExec takes the same form): the first argument that is neither an
// option, an option's value nor the host list is the program run (locally as SYSTEM with -s, or
// on the host); it and what follows are the nested command.
void Walker::run_psexec(int index) {
  const std::vector<std::string> args = a_.commands[static_cast<std::size_t>(index)].args;
  std::size_t i = 0;
  while (i < args.size()) {
    const std::string_view a = args[i];
    const std::size_t dash = dash_prefix(a);
    if (a.starts_with("\\\\") || a.starts_with("@")) {
      ++i;
      continue;
    }
    if (dash == 0) break;
    const std::string_view name = a.substr(dash);
    ++i;
    // Options that take a value: user, password, service name, working directory, CPU list,
    // seconds of timeout, and -i's optional session number.
    const bool valued = iequals(name, "u") || iequals(name, "p") || iequals(name, "r") ||
                        iequals(name, "w") || iequals(name, "a") || iequals(name, "n") ||
                        iequals(name, "csrc") || iequals(name, "share");
    if (valued && i < args.size()) {
      ++i;
    } else if (iequals(name, "i") && i < args.size() && !args[i].empty() &&
               std::all_of(args[i].begin(), args[i].end(),
                           [](char ch) { return ch >= '0' && ch <= '9'; })) {
      ++i;
    }
  }
  if (i >= args.size()) return;
  std::string line;
  for (std::size_t j = i; j < args.size(); ++j) {
    if (!line.empty()) line += ' ';
    const bool blank = args[j].find_first_of(" \t") != std::string::npos;
    line += blank ? "\"" + args[j] + "\"" : args[j];
  }
  run_nested(line, Origin::kRemoteExec, index);
}

Analysis Walker::run(const ProcessInput& in) {
  std::string_view line = in.command_line;
  if (line.size() > limits::kMaxCommandLineBytes) {
    line = line.substr(0, limits::kMaxCommandLineBytes);
    note("kMaxCommandLineBytes");
  }
  if (line.size() > kLongLineBytes) add_reason(a_, Obfuscation::kLongLine);
  if (has_odd_quoting(line)) add_reason(a_, Obfuscation::kOddQuoting);
  if (has_blank_padding(line)) add_reason(a_, Obfuscation::kPadding);
  if (has_control_chars(line)) add_reason(a_, Obfuscation::kControlChar);

  ProgramToken tok = split_program(line);
  const std::size_t glued = line.size() - tok.rest.size();
  if (!line.empty() && line[0] == '"' && glued > 0 && glued < line.size() &&
      line[glued - 1] == '"') {
    // `"ne"t group`: CommandLineToArgvW ends argv[0] at the closing quote, but the C runtime
    // the program itself parses with (and cmd.exe's program search) toggles quotes inside
    // the word: the program is `net` and `group` its first argument.
    std::size_t i = 0;
    bool quoted = false;
    std::string word;
    for (; i < line.size() && (quoted || (line[i] != ' ' && line[i] != '\t')); ++i) {
      if (line[i] == '"') {
        quoted = !quoted;
      } else {
        word += line[i];
      }
    }
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    tok.program = std::move(word);
    tok.rest = line.substr(i);
  }
  std::string word = tok.program;
  std::string rest(tok.rest);
  unglue_switch(word, rest);
  word = expand_word(word, a_);
  const ProgramName pn = program_name(in.image.empty() ? std::string_view(word) : in.image);
  if (!in.image.empty() && program_name(word).name != pn.name) {
    // argv[0] names something else than the image (renamed launch, odd parent): keep the
    // CommandLineToArgvW split.
    rest.assign(tok.rest);
  }
  if (pn.name.empty()) {
    compute_score(a_);
    return std::move(a_);
  }
  AnalyzedCommand cmd;
  cmd.program = pn.name;
  cmd.image_name = pn.file;
  cmd.extension = pn.extension;
  if (!in.original_file_name.empty()) {
    const std::string ofn = program_from_original_file_name(in.original_file_name);
    // Sysinternals' 64-bit builds keep the 32-bit OriginalFileName (PsExec64.exe carries
    // psexec.c, procdump64.exe carries procdump): not a rename.
    const bool x64_build = pn.name == ofn + "64";
    if (!ofn.empty() && ofn != pn.name && !x64_build) {
      cmd.image_program = pn.name;
      cmd.program = ofn;
      cmd.renamed = true;
    }
  }
  bool cut = false;
  cmd.args = split_args(rest, &cut);
  if (cut) note("kMaxArgsPerCommand");
  cmd.arg_string = std::move(rest);
  check_mixed_case(word, cmd.args);
  dispatch(std::move(cmd));
  compute_score(a_);
  return std::move(a_);
}

}  // namespace

Analysis analyze(const ProcessInput& input) { return Walker{}.run(input); }

Analysis analyze_command_line(std::string_view command_line) {
  return analyze(ProcessInput{{}, command_line, {}});
}

}  // namespace cmdsentry::cmdline
