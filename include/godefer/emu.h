// godefer-emu as a library: call a function of a Go object file (compiled with `go tool compile`)
// under emulation and read what it returned, typed, together with what happened on the way
// (defers registered and run, panics, recoveries, the named variables changing).
//
//   auto prog = godefer::Program::open("deferr.o");          // Result<Program>
//   auto call = prog->call("c");                              // Result<Call>
//   EXPECT_EQ(call->result("i"), 2);                          // the named result i
//
// Every fallible call returns a godefer::Result (std::expected): errors are values with a
// message that names the file, function, parameter or position. Nothing here throws.
// Link with the CMake target godefer::emu (find_package(godefer-emu CONFIG)) or pkg-config
// godefer-emu. Thread safety: a Program may be shared; each call runs on the calling thread.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

// The library is built with hidden symbols; these are its API.
#define GODEFER_API __attribute__((visibility("default")))

namespace godefer {

// Why something could not be done. The command line maps every kind to exit status 3.
struct Error {
  enum class Kind {
    BadInput,    // a corrupt, truncated or unsupported object; a bad argument
    Unsupported, // a runtime call or relocation the tool does not model
    Limit,       // the instruction or time limit stopped a runaway guest
    Usage,       // no such function; wrong number of arguments
  } kind = Kind::BadInput;
  std::string message;
};

template <class T> using Result = std::expected<T, Error>;

// The Go kind of a Value (sizes folded: Int is int, int8 ... int64).
enum class Kind {
  Unknown, // no type information: text() shows the raw word
  Int,
  Uint,
  Bool,
  Float,
  Complex,
  String,
  Pointer,
  Slice,
  Array,
  Struct,
  Map,
  Interface,
  Chan,
  Func,
};

// A Go value the emulated function returned (or a part of one).
class GODEFER_API Value {
public:
  const std::string& name() const { return name_; } // result or field name ("" when unnamed)
  const std::string& type() const { return type_; } // Go type: "int", "main.P", "[]string"
  Kind kind() const { return kind_; }

  // As Go's println prints it (what `godefer-emu -q` prints): "2", "[3/3]0xc000010000",
  // "(0x4a3c40,0xc000010020)"; values println cannot print (structs, arrays) as fmt's %v.
  const std::string& text() const { return text_; }
  // As fmt.Sprintf("%+v") prints it: "{X:7 Y:21}", "[1 2 3]", "map[a:1]", "&{X:1 Y:2}".
  const std::string& str() const { return str_.empty() ? text_ : str_; }

  int64_t asInt() const { return int_; } // Int (and Uint's bits, Bool as 0/1)
  uint64_t asUint() const { return uint64_t(int_); }
  bool asBool() const { return int_ != 0; }
  double asFloat() const { return real_; }              // Float; Complex: the real part
  double imag() const { return imag_; }                 // Complex
  const std::string& asString() const { return text_; } // String: its bytes
  uint64_t address() const { return addr_; } // Pointer, Map, Chan, Func; Slice, String: data
  uint64_t len() const { return len_; }      // String, Slice, Array, Map
  uint64_t cap() const { return cap_; }      // Slice
  bool isNil() const { return nil_; }        // Pointer, Slice, Map, Chan, Func, Interface

  // Interface: the dynamic type ("*main.E"), and for errors the text of its Error method,
  // called in the emulated program after the function returned.
  const std::string& dynamicType() const { return dynType_; }
  const std::optional<std::string>& errorText() const { return errorText_; }

  // Struct fields, Array and Slice elements (Slice: up to 100), Map entries as key, value, key,
  // value... sorted as fmt sorts them, an Interface's dynamic value, a Pointer's pointee when it
  // was read (a result pointing to a struct, array, slice or map).
  size_t size() const { return elems_.size(); }
  const Value& operator[](size_t i) const { return elems_.at(i); }
  const std::vector<Value>& elements() const { return elems_; }
  // A struct field by name (nullptr when there is none).
  const Value* field(std::string_view name) const;
  bool truncated() const { return truncated_; } // elements stop short of len()

  // EXPECT_EQ(v, 2), EXPECT_EQ(v, "hello"), EXPECT_EQ(v, true), EXPECT_EQ(v, 1.5): by kind;
  // anything else (structs, slices...) compares with text() or str().
  template <class T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) friend bool operator==(const Value& v,
                                                                                     T x) {
    if (v.kind_ == Kind::Uint) return x >= 0 && v.asUint() == uint64_t(x);
    return (v.kind_ == Kind::Int || v.kind_ == Kind::Unknown) && v.int_ == int64_t(x);
  }
  friend bool operator==(const Value& v, bool x) {
    return v.kind_ == Kind::Bool && v.asBool() == x;
  }
  friend bool operator==(const Value& v, double x) {
    return v.kind_ == Kind::Float ? v.real_ == x : v.kind_ == Kind::Int && double(v.int_) == x;
  }
  friend bool operator==(const Value& v, std::string_view x) {
    return v.text_ == x || (v.kind_ != Kind::String && v.str() == x) ||
           (v.errorText_ && *v.errorText_ == x);
  }
  friend bool operator==(const Value& v, const char* x) { return v == std::string_view(x); }
  friend std::ostream& operator<<(std::ostream& o, const Value& v) {
    return o << v.type_ << "(" << v.str() << ")";
  }

private:
  friend struct ValueAccess;
  std::string name_, type_, text_, str_, dynType_;
  Kind kind_ = Kind::Unknown;
  int64_t int_ = 0;
  double real_ = 0, imag_ = 0;
  uint64_t addr_ = 0, len_ = 0, cap_ = 0;
  bool nil_ = false, truncated_ = false;
  std::optional<std::string> errorText_;
  std::vector<Value> elems_;
};

// An argument: converted to the parameter's type when the call starts (integers are
// range-checked: 300 for an int8 parameter is an error, not 44).
struct Arg {
  using Bytes = std::vector<uint8_t>;
  std::variant<int64_t, uint64_t, bool, double, std::string, std::vector<int64_t>, Bytes> value;
  bool word = false; // a command-line word, read by the parameter's type ("42", "true", "1.5")

  template <class T>
  requires(std::is_integral_v<T>&& std::is_signed_v<T> && !std::is_same_v<T, bool>) Arg(T v)
      : value(int64_t(v)) {}
  template <class T>
  requires(std::is_integral_v<T>&& std::is_unsigned_v<T> && !std::is_same_v<T, bool>) Arg(T v)
      : value(uint64_t(v)) {}
  Arg(bool v) : value(v) {}
  Arg(double v) : value(v) {}
  Arg(float v) : value(double(v)) {}
  Arg(std::string v) : value(std::move(v)) {} // a Go string
  Arg(const char* v) : value(std::string(v)) {}
  Arg(std::vector<int64_t> v) : value(std::move(v)) {} // any slice of integers
  Arg(Bytes v) : value(std::move(v)) {}                // []byte
  static Arg fromWord(std::string w) {
    Arg a(std::move(w));
    a.word = true;
    return a;
  }
};

// Something that happened during the call, in order (the same events the trace prints).
struct Event {
  enum class Kind {
    Runtime,  // a runtime model ran: what = "defer_registered", "deferreturn", "panic", ...
    Variable, // a named variable of a watched frame changed: name, value (after), before
    Output,   // the guest printed: text (stream "stdout" or "stderr")
  } kind = Kind::Runtime;
  std::string what;     // Runtime: the event's name; Output: the stream
  std::string function; // where it happened ("main.c.func1")
  std::string text;     // a one-line description (Runtime), the bytes printed (Output)
  std::string name;     // Variable
  Value before, value;  // Variable
  uint64_t pc = 0;
  uint64_t instruction = 0; // the instruction count when it happened (1-based)
};

struct CallOptions {
  uint64_t maxInstructions = 100'000'000; // 0: no limit (a runaway guest stops with Error::Limit)
  double timeLimitSeconds = 60;           // 0: no limit
  bool events = true;                     // collect events() (runtime, variables, output)
  std::vector<std::string> sourceDirs;    // where the .go source is when the object has no DWARF
};

// One finished call.
class GODEFER_API Call {
public:
  enum class Stop {
    Returned, // the function returned: results() holds its results
    Panicked, // the program died as Go would (an unrecovered panic, a fatal error): message()
              // is Go's first line ("panic: boom"), exitStatus() Go's (2)
  };
  Stop stop() const { return stop_; }
  bool returned() const { return stop_ == Stop::Returned; }
  int exitStatus() const { return exitStatus_; }
  const std::string& message() const { return message_; }

  const std::vector<Value>& results() const { return results_; }
  // By position, or by name ("i", "~r0"); a Value of Kind::Unknown with an empty text when
  // there is no such result.
  const Value& result(size_t i) const;
  const Value& result(std::string_view name) const;
  // The results as `godefer-emu -q` prints them ("2", "{7 21} true").
  std::string resultsLine() const;

  const std::string& output() const { return stdout_; } // what the guest wrote to stdout
  const std::string& errors() const { return stderr_; } // ... and to stderr (println, panics)
  const std::vector<Event>& events() const { return events_; }
  uint64_t instructions() const { return instructions_; }

private:
  friend class Program;
  Stop stop_ = Stop::Returned;
  int exitStatus_ = 0;
  std::string message_, stdout_, stderr_;
  std::vector<Value> results_;
  std::vector<Event> events_;
  uint64_t instructions_ = 0;
};

// A loaded object file.
class GODEFER_API Program {
public:
  // Loads and checks `path` (a Go object of Go 1.15, 1.19 or 1.21-1.27 for linux/amd64).
  static Result<Program> open(const std::string& path);

  const std::string& path() const;
  const std::string& goVersion() const; // "go1.22.12"

  // Calls `function` ("c", "main.c", "main.(*T).M") with `args`: runs the package's init
  // functions first for main.main, then the call to its end. A Go panic is a Call that
  // stopped with Stop::Panicked; a tool error (unmodelled runtime call, limit, bad argument)
  // is an Error.
  Result<Call> call(const std::string& function, const std::vector<Arg>& args = {},
                    const CallOptions& opts = {}) const;

  // The names of the functions the object defines ("main.c", "main.c.func1").
  std::vector<std::string> functions() const;

  ~Program();
  Program(Program&&) noexcept;
  Program& operator=(Program&&) noexcept;

private:
  struct Impl;
  explicit Program(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

} // namespace godefer
