// Abbreviation tables transcribed from each toolchain's cmd/internal/dwarf/dwarf.go (`abbrevs`)
// and, for Go 1.23+, putvarabbrevgen.go (`putvarAbbrevs`, appended at DW_ABRV_PUTVAR_START).
// Row i of a table is abbrev code i. Attribute lists are shared between versions where Go kept
// them unchanged; a suffix names the first version of a changed list (kFunction21 gained
// DW_AT_decl_line in Go 1.21).
#include "loader/dwarf_abbrev.h"

#include <array>

namespace gd::loader::dwarf {
namespace {

constexpr std::span<const AttrForm> kNull{};
constexpr AttrForm kCompunit[] = {
    {At::Name, Form::String},        {At::Language, Form::Data1},
    {At::StmtList, Form::SecOffset}, {At::LowPc, Form::Addr},
    {At::Ranges, Form::SecOffset},   {At::CompDir, Form::String},
    {At::Producer, Form::String},    {At::GoPackageName, Form::String},
};
constexpr AttrForm kCompunitTextless[] = {
    {At::Name, Form::String},     {At::Language, Form::Data1},       {At::CompDir, Form::String},
    {At::Producer, Form::String}, {At::GoPackageName, Form::String},
};
constexpr AttrForm kFunction[] = {
    {At::Name, Form::String},      {At::LowPc, Form::Addr},     {At::HighPc, Form::Addr},
    {At::FrameBase, Form::Block1}, {At::DeclFile, Form::Data4}, {At::External, Form::Flag},
};
constexpr AttrForm kFunctionAbstract[] = {
    {At::Name, Form::String},
    {At::Inline, Form::Data1},
    {At::External, Form::Flag},
};
constexpr AttrForm kFunctionConcrete[] = {
    {At::AbstractOrigin, Form::RefAddr},
    {At::LowPc, Form::Addr},
    {At::HighPc, Form::Addr},
    {At::FrameBase, Form::Block1},
};
constexpr AttrForm kInlinedSubroutine[] = {
    {At::AbstractOrigin, Form::RefAddr},
    {At::LowPc, Form::Addr},
    {At::HighPc, Form::Addr},
    {At::CallFile, Form::Data4},
    {At::CallLine, Form::UdataPseudo},
};
constexpr AttrForm kInlinedSubroutineRanges[] = {
    {At::AbstractOrigin, Form::RefAddr},
    {At::Ranges, Form::SecOffset},
    {At::CallFile, Form::Data4},
    {At::CallLine, Form::UdataPseudo},
};
constexpr AttrForm kVariable[] = {
    {At::Name, Form::String},
    {At::Location, Form::Block1},
    {At::Type, Form::RefAddr},
    {At::External, Form::Flag},
};
constexpr AttrForm kIntConstant[] = {
    {At::Name, Form::String},
    {At::Type, Form::RefAddr},
    {At::ConstValue, Form::Sdata},
};
constexpr AttrForm kAuto[] = {
    {At::Name, Form::String},
    {At::DeclLine, Form::Udata},
    {At::Type, Form::RefAddr},
    {At::Location, Form::Block1},
};
constexpr AttrForm kAutoLoclist[] = {
    {At::Name, Form::String},
    {At::DeclLine, Form::Udata},
    {At::Type, Form::RefAddr},
    {At::Location, Form::SecOffset},
};
constexpr AttrForm kAutoAbstract[] = {
    {At::Name, Form::String},
    {At::DeclLine, Form::Udata},
    {At::Type, Form::RefAddr},
};
constexpr AttrForm kAutoConcrete[] = {
    {At::AbstractOrigin, Form::RefAddr},
    {At::Location, Form::Block1},
};
constexpr AttrForm kAutoConcreteLoclist[] = {
    {At::AbstractOrigin, Form::RefAddr},
    {At::Location, Form::SecOffset},
};
constexpr AttrForm kParam[] = {
    {At::Name, Form::String},  {At::VariableParameter, Form::Flag}, {At::DeclLine, Form::Udata},
    {At::Type, Form::RefAddr}, {At::Location, Form::Block1},
};
constexpr AttrForm kParamLoclist[] = {
    {At::Name, Form::String},  {At::VariableParameter, Form::Flag}, {At::DeclLine, Form::Udata},
    {At::Type, Form::RefAddr}, {At::Location, Form::SecOffset},
};
constexpr AttrForm kParamAbstract[] = {
    {At::Name, Form::String},
    {At::VariableParameter, Form::Flag},
    {At::Type, Form::RefAddr},
};
constexpr AttrForm kParamConcrete[] = {
    {At::AbstractOrigin, Form::RefAddr},
    {At::Location, Form::Block1},
};
constexpr AttrForm kParamConcreteLoclist[] = {
    {At::AbstractOrigin, Form::RefAddr},
    {At::Location, Form::SecOffset},
};
constexpr AttrForm kLexicalBlockRanges[] = {{At::Ranges, Form::SecOffset}};
constexpr AttrForm kLexicalBlockSimple[] = {{At::LowPc, Form::Addr}, {At::HighPc, Form::Addr}};
constexpr AttrForm kStructfield[] = {
    {At::Name, Form::String},
    {At::DataMemberLocation, Form::Udata},
    {At::Type, Form::RefAddr},
    {At::GoEmbeddedField, Form::Flag},
};
constexpr AttrForm kFunctypeparam[] = {{At::Type, Form::RefAddr}};
constexpr std::span<const AttrForm> kDotdotdot{};
constexpr AttrForm kArrayrange[] = {{At::Type, Form::RefAddr}, {At::Count, Form::Udata}};
constexpr AttrForm kNulltype[] = {{At::Name, Form::String}};
constexpr AttrForm kBasetype[] = {
    {At::Name, Form::String},  {At::Encoding, Form::Data1},     {At::ByteSize, Form::Data1},
    {At::GoKind, Form::Data1}, {At::GoRuntimeType, Form::Addr},
};
constexpr AttrForm kArraytype[] = {
    {At::Name, Form::String},  {At::Type, Form::RefAddr},       {At::ByteSize, Form::Udata},
    {At::GoKind, Form::Data1}, {At::GoRuntimeType, Form::Addr},
};
constexpr AttrForm kChantype[] = {
    {At::Name, Form::String},        {At::Type, Form::RefAddr},   {At::GoKind, Form::Data1},
    {At::GoRuntimeType, Form::Addr}, {At::GoElem, Form::RefAddr},
};
constexpr AttrForm kFunctype[] = {
    {At::Name, Form::String},
    {At::ByteSize, Form::Udata},
    {At::GoKind, Form::Data1},
    {At::GoRuntimeType, Form::Addr},
};
constexpr AttrForm kIfacetype[] = {
    {At::Name, Form::String},
    {At::Type, Form::RefAddr},
    {At::GoKind, Form::Data1},
    {At::GoRuntimeType, Form::Addr},
};
constexpr AttrForm kMaptype[] = {
    {At::Name, Form::String},        {At::Type, Form::RefAddr},  {At::GoKind, Form::Data1},
    {At::GoRuntimeType, Form::Addr}, {At::GoKey, Form::RefAddr}, {At::GoElem, Form::RefAddr},
};
constexpr AttrForm kPtrtype[] = {
    {At::Name, Form::String},
    {At::Type, Form::RefAddr},
    {At::GoKind, Form::Data1},
    {At::GoRuntimeType, Form::Addr},
};
constexpr AttrForm kBarePtrtype[] = {{At::Name, Form::String}};
constexpr AttrForm kSlicetype[] = {
    {At::Name, Form::String},        {At::ByteSize, Form::Udata}, {At::GoKind, Form::Data1},
    {At::GoRuntimeType, Form::Addr}, {At::GoElem, Form::RefAddr},
};
constexpr AttrForm kStringtype[] = {
    {At::Name, Form::String},
    {At::ByteSize, Form::Udata},
    {At::GoKind, Form::Data1},
    {At::GoRuntimeType, Form::Addr},
};
constexpr AttrForm kStructtype[] = {
    {At::Name, Form::String},
    {At::ByteSize, Form::Udata},
    {At::GoKind, Form::Data1},
    {At::GoRuntimeType, Form::Addr},
};
constexpr AttrForm kTypedecl[] = {{At::Name, Form::String}, {At::Type, Form::RefAddr}};
constexpr AttrForm kWrapper[] = {
    {At::Name, Form::String},      {At::LowPc, Form::Addr},      {At::HighPc, Form::Addr},
    {At::FrameBase, Form::Block1}, {At::Trampoline, Form::Flag},
};
constexpr AttrForm kWrapperConcrete[] = {
    {At::AbstractOrigin, Form::RefAddr}, {At::LowPc, Form::Addr},      {At::HighPc, Form::Addr},
    {At::FrameBase, Form::Block1},       {At::Trampoline, Form::Flag},
};
constexpr AttrForm kDictIndex[] = {
    {At::Name, Form::String},
    {At::Type, Form::RefAddr},
    {At::GoDictIndex, Form::Udata},
};
constexpr AttrForm kFunction21[] = {
    {At::Name, Form::String},      {At::LowPc, Form::Addr},     {At::HighPc, Form::Addr},
    {At::FrameBase, Form::Block1}, {At::DeclFile, Form::Data4}, {At::DeclLine, Form::Udata},
    {At::External, Form::Flag},
};
constexpr AttrForm kFunctionAbstract21[] = {
    {At::Name, Form::String},
    {At::Inline, Form::Data1},
    {At::DeclLine, Form::Udata},
    {At::External, Form::Flag},
};
constexpr AttrForm kBarePtrtype23[] = {{At::Name, Form::String}, {At::GoRuntimeType, Form::Addr}};
constexpr AttrForm kAutoClosureLoclist[] = {
    {At::Name, Form::String},           {At::DeclLine, Form::Udata},     {At::Type, Form::RefAddr},
    {At::GoClosureOffset, Form::Udata}, {At::Location, Form::SecOffset},
};
constexpr AttrForm kAutoClosure[] = {
    {At::Name, Form::String},           {At::DeclLine, Form::Udata},  {At::Type, Form::RefAddr},
    {At::GoClosureOffset, Form::Udata}, {At::Location, Form::Block1},
};
constexpr AttrForm kParamClosureLoclist[] = {
    {At::Name, Form::String},  {At::VariableParameter, Form::Flag}, {At::DeclLine, Form::Udata},
    {At::Type, Form::RefAddr}, {At::GoClosureOffset, Form::Udata},  {At::Location, Form::SecOffset},
};
constexpr AttrForm kParamClosure[] = {
    {At::Name, Form::String},  {At::VariableParameter, Form::Flag}, {At::DeclLine, Form::Udata},
    {At::Type, Form::RefAddr}, {At::GoClosureOffset, Form::Udata},  {At::Location, Form::Block1},
};
constexpr AttrForm kFunctypeoutparam[] = {
    {At::VariableParameter, Form::Flag},
    {At::Type, Form::RefAddr},
};

// go1.15: code = index.
constexpr Abbrev kGo115[] = {
    /*  0 */ {"NULL", Tag::Null, false, kNull},
    /*  1 */ {"COMPUNIT", Tag::CompileUnit, true, kCompunit},
    /*  2 */ {"COMPUNIT_TEXTLESS", Tag::CompileUnit, true, kCompunitTextless},
    /*  3 */ {"FUNCTION", Tag::Subprogram, true, kFunction},
    /*  4 */ {"FUNCTION_ABSTRACT", Tag::Subprogram, true, kFunctionAbstract},
    /*  5 */ {"FUNCTION_CONCRETE", Tag::Subprogram, true, kFunctionConcrete},
    /*  6 */ {"INLINED_SUBROUTINE", Tag::InlinedSubroutine, true, kInlinedSubroutine},
    /*  7 */ {"INLINED_SUBROUTINE_RANGES", Tag::InlinedSubroutine, true, kInlinedSubroutineRanges},
    /*  8 */ {"VARIABLE", Tag::Variable, false, kVariable},
    /*  9 */ {"INT_CONSTANT", Tag::Constant, false, kIntConstant},
    /* 10 */ {"AUTO", Tag::Variable, false, kAuto},
    /* 11 */ {"AUTO_LOCLIST", Tag::Variable, false, kAutoLoclist},
    /* 12 */ {"AUTO_ABSTRACT", Tag::Variable, false, kAutoAbstract},
    /* 13 */ {"AUTO_CONCRETE", Tag::Variable, false, kAutoConcrete},
    /* 14 */ {"AUTO_CONCRETE_LOCLIST", Tag::Variable, false, kAutoConcreteLoclist},
    /* 15 */ {"PARAM", Tag::FormalParameter, false, kParam},
    /* 16 */ {"PARAM_LOCLIST", Tag::FormalParameter, false, kParamLoclist},
    /* 17 */ {"PARAM_ABSTRACT", Tag::FormalParameter, false, kParamAbstract},
    /* 18 */ {"PARAM_CONCRETE", Tag::FormalParameter, false, kParamConcrete},
    /* 19 */ {"PARAM_CONCRETE_LOCLIST", Tag::FormalParameter, false, kParamConcreteLoclist},
    /* 20 */ {"LEXICAL_BLOCK_RANGES", Tag::LexicalBlock, true, kLexicalBlockRanges},
    /* 21 */ {"LEXICAL_BLOCK_SIMPLE", Tag::LexicalBlock, true, kLexicalBlockSimple},
    /* 22 */ {"STRUCTFIELD", Tag::Member, false, kStructfield},
    /* 23 */ {"FUNCTYPEPARAM", Tag::FormalParameter, false, kFunctypeparam},
    /* 24 */ {"DOTDOTDOT", Tag::UnspecifiedParameters, false, kDotdotdot},
    /* 25 */ {"ARRAYRANGE", Tag::SubrangeType, false, kArrayrange},
    /* 26 */ {"NULLTYPE", Tag::UnspecifiedType, false, kNulltype},
    /* 27 */ {"BASETYPE", Tag::BaseType, false, kBasetype},
    /* 28 */ {"ARRAYTYPE", Tag::ArrayType, true, kArraytype},
    /* 29 */ {"CHANTYPE", Tag::Typedef, false, kChantype},
    /* 30 */ {"FUNCTYPE", Tag::SubroutineType, true, kFunctype},
    /* 31 */ {"IFACETYPE", Tag::Typedef, true, kIfacetype},
    /* 32 */ {"MAPTYPE", Tag::Typedef, false, kMaptype},
    /* 33 */ {"PTRTYPE", Tag::PointerType, false, kPtrtype},
    /* 34 */ {"BARE_PTRTYPE", Tag::PointerType, false, kBarePtrtype},
    /* 35 */ {"SLICETYPE", Tag::StructureType, true, kSlicetype},
    /* 36 */ {"STRINGTYPE", Tag::StructureType, true, kStringtype},
    /* 37 */ {"STRUCTTYPE", Tag::StructureType, true, kStructtype},
    /* 38 */ {"TYPEDECL", Tag::Typedef, false, kTypedecl},
};

// go1.19: code = index.
constexpr Abbrev kGo119[] = {
    /*  0 */ {"NULL", Tag::Null, false, kNull},
    /*  1 */ {"COMPUNIT", Tag::CompileUnit, true, kCompunit},
    /*  2 */ {"COMPUNIT_TEXTLESS", Tag::CompileUnit, true, kCompunitTextless},
    /*  3 */ {"FUNCTION", Tag::Subprogram, true, kFunction},
    /*  4 */ {"WRAPPER", Tag::Subprogram, true, kWrapper},
    /*  5 */ {"FUNCTION_ABSTRACT", Tag::Subprogram, true, kFunctionAbstract},
    /*  6 */ {"FUNCTION_CONCRETE", Tag::Subprogram, true, kFunctionConcrete},
    /*  7 */ {"WRAPPER_CONCRETE", Tag::Subprogram, true, kWrapperConcrete},
    /*  8 */ {"INLINED_SUBROUTINE", Tag::InlinedSubroutine, true, kInlinedSubroutine},
    /*  9 */ {"INLINED_SUBROUTINE_RANGES", Tag::InlinedSubroutine, true, kInlinedSubroutineRanges},
    /* 10 */ {"VARIABLE", Tag::Variable, false, kVariable},
    /* 11 */ {"INT_CONSTANT", Tag::Constant, false, kIntConstant},
    /* 12 */ {"AUTO", Tag::Variable, false, kAuto},
    /* 13 */ {"AUTO_LOCLIST", Tag::Variable, false, kAutoLoclist},
    /* 14 */ {"AUTO_ABSTRACT", Tag::Variable, false, kAutoAbstract},
    /* 15 */ {"AUTO_CONCRETE", Tag::Variable, false, kAutoConcrete},
    /* 16 */ {"AUTO_CONCRETE_LOCLIST", Tag::Variable, false, kAutoConcreteLoclist},
    /* 17 */ {"PARAM", Tag::FormalParameter, false, kParam},
    /* 18 */ {"PARAM_LOCLIST", Tag::FormalParameter, false, kParamLoclist},
    /* 19 */ {"PARAM_ABSTRACT", Tag::FormalParameter, false, kParamAbstract},
    /* 20 */ {"PARAM_CONCRETE", Tag::FormalParameter, false, kParamConcrete},
    /* 21 */ {"PARAM_CONCRETE_LOCLIST", Tag::FormalParameter, false, kParamConcreteLoclist},
    /* 22 */ {"LEXICAL_BLOCK_RANGES", Tag::LexicalBlock, true, kLexicalBlockRanges},
    /* 23 */ {"LEXICAL_BLOCK_SIMPLE", Tag::LexicalBlock, true, kLexicalBlockSimple},
    /* 24 */ {"STRUCTFIELD", Tag::Member, false, kStructfield},
    /* 25 */ {"FUNCTYPEPARAM", Tag::FormalParameter, false, kFunctypeparam},
    /* 26 */ {"DOTDOTDOT", Tag::UnspecifiedParameters, false, kDotdotdot},
    /* 27 */ {"ARRAYRANGE", Tag::SubrangeType, false, kArrayrange},
    /* 28 */ {"NULLTYPE", Tag::UnspecifiedType, false, kNulltype},
    /* 29 */ {"BASETYPE", Tag::BaseType, false, kBasetype},
    /* 30 */ {"ARRAYTYPE", Tag::ArrayType, true, kArraytype},
    /* 31 */ {"CHANTYPE", Tag::Typedef, false, kChantype},
    /* 32 */ {"FUNCTYPE", Tag::SubroutineType, true, kFunctype},
    /* 33 */ {"IFACETYPE", Tag::Typedef, true, kIfacetype},
    /* 34 */ {"MAPTYPE", Tag::Typedef, false, kMaptype},
    /* 35 */ {"PTRTYPE", Tag::PointerType, false, kPtrtype},
    /* 36 */ {"BARE_PTRTYPE", Tag::PointerType, false, kBarePtrtype},
    /* 37 */ {"SLICETYPE", Tag::StructureType, true, kSlicetype},
    /* 38 */ {"STRINGTYPE", Tag::StructureType, true, kStringtype},
    /* 39 */ {"STRUCTTYPE", Tag::StructureType, true, kStructtype},
    /* 40 */ {"TYPEDECL", Tag::Typedef, false, kTypedecl},
    /* 41 */ {"DICT_INDEX", Tag::Typedef, false, kDictIndex},
};

// go1.21: code = index.
constexpr Abbrev kGo121[] = {
    /*  0 */ {"NULL", Tag::Null, false, kNull},
    /*  1 */ {"COMPUNIT", Tag::CompileUnit, true, kCompunit},
    /*  2 */ {"COMPUNIT_TEXTLESS", Tag::CompileUnit, true, kCompunitTextless},
    /*  3 */ {"FUNCTION", Tag::Subprogram, true, kFunction21},
    /*  4 */ {"WRAPPER", Tag::Subprogram, true, kWrapper},
    /*  5 */ {"FUNCTION_ABSTRACT", Tag::Subprogram, true, kFunctionAbstract21},
    /*  6 */ {"FUNCTION_CONCRETE", Tag::Subprogram, true, kFunctionConcrete},
    /*  7 */ {"WRAPPER_CONCRETE", Tag::Subprogram, true, kWrapperConcrete},
    /*  8 */ {"INLINED_SUBROUTINE", Tag::InlinedSubroutine, true, kInlinedSubroutine},
    /*  9 */ {"INLINED_SUBROUTINE_RANGES", Tag::InlinedSubroutine, true, kInlinedSubroutineRanges},
    /* 10 */ {"VARIABLE", Tag::Variable, false, kVariable},
    /* 11 */ {"INT_CONSTANT", Tag::Constant, false, kIntConstant},
    /* 12 */ {"AUTO", Tag::Variable, false, kAuto},
    /* 13 */ {"AUTO_LOCLIST", Tag::Variable, false, kAutoLoclist},
    /* 14 */ {"AUTO_ABSTRACT", Tag::Variable, false, kAutoAbstract},
    /* 15 */ {"AUTO_CONCRETE", Tag::Variable, false, kAutoConcrete},
    /* 16 */ {"AUTO_CONCRETE_LOCLIST", Tag::Variable, false, kAutoConcreteLoclist},
    /* 17 */ {"PARAM", Tag::FormalParameter, false, kParam},
    /* 18 */ {"PARAM_LOCLIST", Tag::FormalParameter, false, kParamLoclist},
    /* 19 */ {"PARAM_ABSTRACT", Tag::FormalParameter, false, kParamAbstract},
    /* 20 */ {"PARAM_CONCRETE", Tag::FormalParameter, false, kParamConcrete},
    /* 21 */ {"PARAM_CONCRETE_LOCLIST", Tag::FormalParameter, false, kParamConcreteLoclist},
    /* 22 */ {"LEXICAL_BLOCK_RANGES", Tag::LexicalBlock, true, kLexicalBlockRanges},
    /* 23 */ {"LEXICAL_BLOCK_SIMPLE", Tag::LexicalBlock, true, kLexicalBlockSimple},
    /* 24 */ {"STRUCTFIELD", Tag::Member, false, kStructfield},
    /* 25 */ {"FUNCTYPEPARAM", Tag::FormalParameter, false, kFunctypeparam},
    /* 26 */ {"DOTDOTDOT", Tag::UnspecifiedParameters, false, kDotdotdot},
    /* 27 */ {"ARRAYRANGE", Tag::SubrangeType, false, kArrayrange},
    /* 28 */ {"NULLTYPE", Tag::UnspecifiedType, false, kNulltype},
    /* 29 */ {"BASETYPE", Tag::BaseType, false, kBasetype},
    /* 30 */ {"ARRAYTYPE", Tag::ArrayType, true, kArraytype},
    /* 31 */ {"CHANTYPE", Tag::Typedef, false, kChantype},
    /* 32 */ {"FUNCTYPE", Tag::SubroutineType, true, kFunctype},
    /* 33 */ {"IFACETYPE", Tag::Typedef, true, kIfacetype},
    /* 34 */ {"MAPTYPE", Tag::Typedef, false, kMaptype},
    /* 35 */ {"PTRTYPE", Tag::PointerType, false, kPtrtype},
    /* 36 */ {"BARE_PTRTYPE", Tag::PointerType, false, kBarePtrtype},
    /* 37 */ {"SLICETYPE", Tag::StructureType, true, kSlicetype},
    /* 38 */ {"STRINGTYPE", Tag::StructureType, true, kStringtype},
    /* 39 */ {"STRUCTTYPE", Tag::StructureType, true, kStructtype},
    /* 40 */ {"TYPEDECL", Tag::Typedef, false, kTypedecl},
    /* 41 */ {"DICT_INDEX", Tag::Typedef, false, kDictIndex},
};

// go1.22: code = index.
constexpr Abbrev kGo122[] = {
    /*  0 */ {"NULL", Tag::Null, false, kNull},
    /*  1 */ {"COMPUNIT", Tag::CompileUnit, true, kCompunit},
    /*  2 */ {"COMPUNIT_TEXTLESS", Tag::CompileUnit, true, kCompunitTextless},
    /*  3 */ {"FUNCTION", Tag::Subprogram, true, kFunction21},
    /*  4 */ {"WRAPPER", Tag::Subprogram, true, kWrapper},
    /*  5 */ {"FUNCTION_ABSTRACT", Tag::Subprogram, true, kFunctionAbstract21},
    /*  6 */ {"FUNCTION_CONCRETE", Tag::Subprogram, true, kFunctionConcrete},
    /*  7 */ {"WRAPPER_CONCRETE", Tag::Subprogram, true, kWrapperConcrete},
    /*  8 */ {"INLINED_SUBROUTINE", Tag::InlinedSubroutine, true, kInlinedSubroutine},
    /*  9 */ {"INLINED_SUBROUTINE_RANGES", Tag::InlinedSubroutine, true, kInlinedSubroutineRanges},
    /* 10 */ {"VARIABLE", Tag::Variable, false, kVariable},
    /* 11 */ {"INT_CONSTANT", Tag::Constant, false, kIntConstant},
    /* 12 */ {"AUTO", Tag::Variable, false, kAuto},
    /* 13 */ {"AUTO_LOCLIST", Tag::Variable, false, kAutoLoclist},
    /* 14 */ {"AUTO_ABSTRACT", Tag::Variable, false, kAutoAbstract},
    /* 15 */ {"AUTO_CONCRETE", Tag::Variable, false, kAutoConcrete},
    /* 16 */ {"AUTO_CONCRETE_LOCLIST", Tag::Variable, false, kAutoConcreteLoclist},
    /* 17 */ {"PARAM", Tag::FormalParameter, false, kParam},
    /* 18 */ {"PARAM_LOCLIST", Tag::FormalParameter, false, kParamLoclist},
    /* 19 */ {"PARAM_ABSTRACT", Tag::FormalParameter, false, kParamAbstract},
    /* 20 */ {"PARAM_CONCRETE", Tag::FormalParameter, false, kParamConcrete},
    /* 21 */ {"PARAM_CONCRETE_LOCLIST", Tag::FormalParameter, false, kParamConcreteLoclist},
    /* 22 */ {"LEXICAL_BLOCK_RANGES", Tag::LexicalBlock, true, kLexicalBlockRanges},
    /* 23 */ {"LEXICAL_BLOCK_SIMPLE", Tag::LexicalBlock, true, kLexicalBlockSimple},
    /* 24 */ {"STRUCTFIELD", Tag::Member, false, kStructfield},
    /* 25 */ {"FUNCTYPEPARAM", Tag::FormalParameter, false, kFunctypeparam},
    /* 26 */ {"DOTDOTDOT", Tag::UnspecifiedParameters, false, kDotdotdot},
    /* 27 */ {"ARRAYRANGE", Tag::SubrangeType, false, kArrayrange},
    /* 28 */ {"NULLTYPE", Tag::UnspecifiedType, false, kNulltype},
    /* 29 */ {"BASETYPE", Tag::BaseType, false, kBasetype},
    /* 30 */ {"ARRAYTYPE", Tag::ArrayType, true, kArraytype},
    /* 31 */ {"CHANTYPE", Tag::Typedef, false, kChantype},
    /* 32 */ {"FUNCTYPE", Tag::SubroutineType, true, kFunctype},
    /* 33 */ {"IFACETYPE", Tag::Typedef, true, kIfacetype},
    /* 34 */ {"MAPTYPE", Tag::Typedef, false, kMaptype},
    /* 35 */ {"PTRTYPE", Tag::PointerType, false, kPtrtype},
    /* 36 */ {"BARE_PTRTYPE", Tag::PointerType, false, kBarePtrtype},
    /* 37 */ {"SLICETYPE", Tag::StructureType, true, kSlicetype},
    /* 38 */ {"STRINGTYPE", Tag::StructureType, true, kStringtype},
    /* 39 */ {"STRUCTTYPE", Tag::StructureType, true, kStructtype},
    /* 40 */ {"TYPEDECL", Tag::Typedef, false, kTypedecl},
    /* 41 */ {"DICT_INDEX", Tag::Typedef, false, kDictIndex},
};

// go1.23: code = index.
constexpr Abbrev kGo123[] = {
    /*  0 */ {"NULL", Tag::Null, false, kNull},
    /*  1 */ {"COMPUNIT", Tag::CompileUnit, true, kCompunit},
    /*  2 */ {"COMPUNIT_TEXTLESS", Tag::CompileUnit, true, kCompunitTextless},
    /*  3 */ {"FUNCTION", Tag::Subprogram, true, kFunction21},
    /*  4 */ {"WRAPPER", Tag::Subprogram, true, kWrapper},
    /*  5 */ {"FUNCTION_ABSTRACT", Tag::Subprogram, true, kFunctionAbstract21},
    /*  6 */ {"FUNCTION_CONCRETE", Tag::Subprogram, true, kFunctionConcrete},
    /*  7 */ {"WRAPPER_CONCRETE", Tag::Subprogram, true, kWrapperConcrete},
    /*  8 */ {"INLINED_SUBROUTINE", Tag::InlinedSubroutine, true, kInlinedSubroutine},
    /*  9 */ {"INLINED_SUBROUTINE_RANGES", Tag::InlinedSubroutine, true, kInlinedSubroutineRanges},
    /* 10 */ {"VARIABLE", Tag::Variable, false, kVariable},
    /* 11 */ {"INT_CONSTANT", Tag::Constant, false, kIntConstant},
    /* 12 */ {"LEXICAL_BLOCK_RANGES", Tag::LexicalBlock, true, kLexicalBlockRanges},
    /* 13 */ {"LEXICAL_BLOCK_SIMPLE", Tag::LexicalBlock, true, kLexicalBlockSimple},
    /* 14 */ {"STRUCTFIELD", Tag::Member, false, kStructfield},
    /* 15 */ {"FUNCTYPEPARAM", Tag::FormalParameter, false, kFunctypeparam},
    /* 16 */ {"DOTDOTDOT", Tag::UnspecifiedParameters, false, kDotdotdot},
    /* 17 */ {"ARRAYRANGE", Tag::SubrangeType, false, kArrayrange},
    /* 18 */ {"NULLTYPE", Tag::UnspecifiedType, false, kNulltype},
    /* 19 */ {"BASETYPE", Tag::BaseType, false, kBasetype},
    /* 20 */ {"ARRAYTYPE", Tag::ArrayType, true, kArraytype},
    /* 21 */ {"CHANTYPE", Tag::Typedef, false, kChantype},
    /* 22 */ {"FUNCTYPE", Tag::SubroutineType, true, kFunctype},
    /* 23 */ {"IFACETYPE", Tag::Typedef, true, kIfacetype},
    /* 24 */ {"MAPTYPE", Tag::Typedef, false, kMaptype},
    /* 25 */ {"PTRTYPE", Tag::PointerType, false, kPtrtype},
    /* 26 */ {"BARE_PTRTYPE", Tag::PointerType, false, kBarePtrtype23},
    /* 27 */ {"SLICETYPE", Tag::StructureType, true, kSlicetype},
    /* 28 */ {"STRINGTYPE", Tag::StructureType, true, kStringtype},
    /* 29 */ {"STRUCTTYPE", Tag::StructureType, true, kStructtype},
    /* 30 */ {"TYPEDECL", Tag::Typedef, false, kTypedecl},
    /* 31 */ {"DICT_INDEX", Tag::Typedef, false, kDictIndex},
    /* 32 */ {"AUTO_ABSTRACT", Tag::Variable, false, kAutoAbstract},
    /* 33 */ {"PARAM_ABSTRACT", Tag::FormalParameter, false, kParamAbstract},
    /* 34 */ {"AUTO_CONCRETE_LOCLIST", Tag::Variable, false, kAutoConcreteLoclist},
    /* 35 */ {"AUTO_CONCRETE", Tag::Variable, false, kAutoConcrete},
    /* 36 */ {"AUTO_CLOSURE_LOCLIST", Tag::Variable, false, kAutoClosureLoclist},
    /* 37 */ {"AUTO_CLOSURE", Tag::Variable, false, kAutoClosure},
    /* 38 */ {"AUTO_LOCLIST", Tag::Variable, false, kAutoLoclist},
    /* 39 */ {"AUTO", Tag::Variable, false, kAuto},
    /* 40 */ {"PARAM_CONCRETE_LOCLIST", Tag::FormalParameter, false, kParamConcreteLoclist},
    /* 41 */ {"PARAM_CONCRETE", Tag::FormalParameter, false, kParamConcrete},
    /* 42 */ {"PARAM_CLOSURE_LOCLIST", Tag::FormalParameter, false, kParamClosureLoclist},
    /* 43 */ {"PARAM_CLOSURE", Tag::FormalParameter, false, kParamClosure},
    /* 44 */ {"PARAM_LOCLIST", Tag::FormalParameter, false, kParamLoclist},
    /* 45 */ {"PARAM", Tag::FormalParameter, false, kParam},
};

// go1.24: code = index.
constexpr Abbrev kGo124[] = {
    /*  0 */ {"NULL", Tag::Null, false, kNull},
    /*  1 */ {"COMPUNIT", Tag::CompileUnit, true, kCompunit},
    /*  2 */ {"COMPUNIT_TEXTLESS", Tag::CompileUnit, true, kCompunitTextless},
    /*  3 */ {"FUNCTION", Tag::Subprogram, true, kFunction21},
    /*  4 */ {"WRAPPER", Tag::Subprogram, true, kWrapper},
    /*  5 */ {"FUNCTION_ABSTRACT", Tag::Subprogram, true, kFunctionAbstract21},
    /*  6 */ {"FUNCTION_CONCRETE", Tag::Subprogram, true, kFunctionConcrete},
    /*  7 */ {"WRAPPER_CONCRETE", Tag::Subprogram, true, kWrapperConcrete},
    /*  8 */ {"INLINED_SUBROUTINE", Tag::InlinedSubroutine, true, kInlinedSubroutine},
    /*  9 */ {"INLINED_SUBROUTINE_RANGES", Tag::InlinedSubroutine, true, kInlinedSubroutineRanges},
    /* 10 */ {"VARIABLE", Tag::Variable, false, kVariable},
    /* 11 */ {"INT_CONSTANT", Tag::Constant, false, kIntConstant},
    /* 12 */ {"LEXICAL_BLOCK_RANGES", Tag::LexicalBlock, true, kLexicalBlockRanges},
    /* 13 */ {"LEXICAL_BLOCK_SIMPLE", Tag::LexicalBlock, true, kLexicalBlockSimple},
    /* 14 */ {"STRUCTFIELD", Tag::Member, false, kStructfield},
    /* 15 */ {"FUNCTYPEPARAM", Tag::FormalParameter, false, kFunctypeparam},
    /* 16 */ {"FUNCTYPEOUTPARAM", Tag::FormalParameter, false, kFunctypeoutparam},
    /* 17 */ {"DOTDOTDOT", Tag::UnspecifiedParameters, false, kDotdotdot},
    /* 18 */ {"ARRAYRANGE", Tag::SubrangeType, false, kArrayrange},
    /* 19 */ {"NULLTYPE", Tag::UnspecifiedType, false, kNulltype},
    /* 20 */ {"BASETYPE", Tag::BaseType, false, kBasetype},
    /* 21 */ {"ARRAYTYPE", Tag::ArrayType, true, kArraytype},
    /* 22 */ {"CHANTYPE", Tag::Typedef, false, kChantype},
    /* 23 */ {"FUNCTYPE", Tag::SubroutineType, true, kFunctype},
    /* 24 */ {"IFACETYPE", Tag::Typedef, true, kIfacetype},
    /* 25 */ {"MAPTYPE", Tag::Typedef, false, kMaptype},
    /* 26 */ {"PTRTYPE", Tag::PointerType, false, kPtrtype},
    /* 27 */ {"BARE_PTRTYPE", Tag::PointerType, false, kBarePtrtype23},
    /* 28 */ {"SLICETYPE", Tag::StructureType, true, kSlicetype},
    /* 29 */ {"STRINGTYPE", Tag::StructureType, true, kStringtype},
    /* 30 */ {"STRUCTTYPE", Tag::StructureType, true, kStructtype},
    /* 31 */ {"TYPEDECL", Tag::Typedef, false, kTypedecl},
    /* 32 */ {"DICT_INDEX", Tag::Typedef, false, kDictIndex},
    /* 33 */ {"AUTO_ABSTRACT", Tag::Variable, false, kAutoAbstract},
    /* 34 */ {"PARAM_ABSTRACT", Tag::FormalParameter, false, kParamAbstract},
    /* 35 */ {"AUTO_CONCRETE_LOCLIST", Tag::Variable, false, kAutoConcreteLoclist},
    /* 36 */ {"AUTO_CONCRETE", Tag::Variable, false, kAutoConcrete},
    /* 37 */ {"AUTO_CLOSURE_LOCLIST", Tag::Variable, false, kAutoClosureLoclist},
    /* 38 */ {"AUTO_CLOSURE", Tag::Variable, false, kAutoClosure},
    /* 39 */ {"AUTO_LOCLIST", Tag::Variable, false, kAutoLoclist},
    /* 40 */ {"AUTO", Tag::Variable, false, kAuto},
    /* 41 */ {"PARAM_CONCRETE_LOCLIST", Tag::FormalParameter, false, kParamConcreteLoclist},
    /* 42 */ {"PARAM_CONCRETE", Tag::FormalParameter, false, kParamConcrete},
    /* 43 */ {"PARAM_CLOSURE_LOCLIST", Tag::FormalParameter, false, kParamClosureLoclist},
    /* 44 */ {"PARAM_CLOSURE", Tag::FormalParameter, false, kParamClosure},
    /* 45 */ {"PARAM_LOCLIST", Tag::FormalParameter, false, kParamLoclist},
    /* 46 */ {"PARAM", Tag::FormalParameter, false, kParam},
};

// Go 1.25: DW_FORM_lo_pc_pseudo/DW_FORM_hi_pc_pseudo where 1.24 had addr/addr.
constexpr AttrForm kFunction25[] = {
    {At::Name, Form::String},      {At::LowPc, Form::LoPcPseudo}, {At::HighPc, Form::HiPcPseudo},
    {At::FrameBase, Form::Block1}, {At::DeclFile, Form::Data4},   {At::DeclLine, Form::Udata},
    {At::External, Form::Flag},
};
constexpr AttrForm kWrapper25[] = {
    {At::Name, Form::String},      {At::LowPc, Form::LoPcPseudo}, {At::HighPc, Form::HiPcPseudo},
    {At::FrameBase, Form::Block1}, {At::Trampoline, Form::Flag},
};
constexpr AttrForm kFunctionConcrete25[] = {
    {At::AbstractOrigin, Form::RefAddr},
    {At::LowPc, Form::LoPcPseudo},
    {At::HighPc, Form::HiPcPseudo},
    {At::FrameBase, Form::Block1},
};
constexpr AttrForm kWrapperConcrete25[] = {
    {At::AbstractOrigin, Form::RefAddr}, {At::LowPc, Form::LoPcPseudo},
    {At::HighPc, Form::HiPcPseudo},      {At::FrameBase, Form::Block1},
    {At::Trampoline, Form::Flag},
};
constexpr AttrForm kInlinedSubroutine25[] = {
    {At::AbstractOrigin, Form::RefAddr}, {At::LowPc, Form::LoPcPseudo},
    {At::HighPc, Form::HiPcPseudo},      {At::CallFile, Form::Data4},
    {At::CallLine, Form::UdataPseudo},
};

// go1.25 (also 1.26, 1.27): go1.24's codes; low_pc/high_pc of functions and inlined calls are
// the lo/hi pseudo-forms (addrx/udata under DWARF 5, addr/addr under DWARF 4).
constexpr Abbrev kGo125[] = {
    /*  0 */ {"NULL", Tag::Null, false, kNull},
    /*  1 */ {"COMPUNIT", Tag::CompileUnit, true, kCompunit},
    /*  2 */ {"COMPUNIT_TEXTLESS", Tag::CompileUnit, true, kCompunitTextless},
    /*  3 */ {"FUNCTION", Tag::Subprogram, true, kFunction25},
    /*  4 */ {"WRAPPER", Tag::Subprogram, true, kWrapper25},
    /*  5 */ {"FUNCTION_ABSTRACT", Tag::Subprogram, true, kFunctionAbstract21},
    /*  6 */ {"FUNCTION_CONCRETE", Tag::Subprogram, true, kFunctionConcrete25},
    /*  7 */ {"WRAPPER_CONCRETE", Tag::Subprogram, true, kWrapperConcrete25},
    /*  8 */ {"INLINED_SUBROUTINE", Tag::InlinedSubroutine, true, kInlinedSubroutine25},
    /*  9 */ {"INLINED_SUBROUTINE_RANGES", Tag::InlinedSubroutine, true, kInlinedSubroutineRanges},
    /* 10 */ {"VARIABLE", Tag::Variable, false, kVariable},
    /* 11 */ {"INT_CONSTANT", Tag::Constant, false, kIntConstant},
    /* 12 */ {"LEXICAL_BLOCK_RANGES", Tag::LexicalBlock, true, kLexicalBlockRanges},
    /* 13 */ {"LEXICAL_BLOCK_SIMPLE", Tag::LexicalBlock, true, kLexicalBlockSimple},
    /* 14 */ {"STRUCTFIELD", Tag::Member, false, kStructfield},
    /* 15 */ {"FUNCTYPEPARAM", Tag::FormalParameter, false, kFunctypeparam},
    /* 16 */ {"FUNCTYPEOUTPARAM", Tag::FormalParameter, false, kFunctypeoutparam},
    /* 17 */ {"DOTDOTDOT", Tag::UnspecifiedParameters, false, kDotdotdot},
    /* 18 */ {"ARRAYRANGE", Tag::SubrangeType, false, kArrayrange},
    /* 19 */ {"NULLTYPE", Tag::UnspecifiedType, false, kNulltype},
    /* 20 */ {"BASETYPE", Tag::BaseType, false, kBasetype},
    /* 21 */ {"ARRAYTYPE", Tag::ArrayType, true, kArraytype},
    /* 22 */ {"CHANTYPE", Tag::Typedef, false, kChantype},
    /* 23 */ {"FUNCTYPE", Tag::SubroutineType, true, kFunctype},
    /* 24 */ {"IFACETYPE", Tag::Typedef, true, kIfacetype},
    /* 25 */ {"MAPTYPE", Tag::Typedef, false, kMaptype},
    /* 26 */ {"PTRTYPE", Tag::PointerType, false, kPtrtype},
    /* 27 */ {"BARE_PTRTYPE", Tag::PointerType, false, kBarePtrtype23},
    /* 28 */ {"SLICETYPE", Tag::StructureType, true, kSlicetype},
    /* 29 */ {"STRINGTYPE", Tag::StructureType, true, kStringtype},
    /* 30 */ {"STRUCTTYPE", Tag::StructureType, true, kStructtype},
    /* 31 */ {"TYPEDECL", Tag::Typedef, false, kTypedecl},
    /* 32 */ {"DICT_INDEX", Tag::Typedef, false, kDictIndex},
    /* 33 */ {"AUTO_ABSTRACT", Tag::Variable, false, kAutoAbstract},
    /* 34 */ {"PARAM_ABSTRACT", Tag::FormalParameter, false, kParamAbstract},
    /* 35 */ {"AUTO_CONCRETE_LOCLIST", Tag::Variable, false, kAutoConcreteLoclist},
    /* 36 */ {"AUTO_CONCRETE", Tag::Variable, false, kAutoConcrete},
    /* 37 */ {"AUTO_CLOSURE_LOCLIST", Tag::Variable, false, kAutoClosureLoclist},
    /* 38 */ {"AUTO_CLOSURE", Tag::Variable, false, kAutoClosure},
    /* 39 */ {"AUTO_LOCLIST", Tag::Variable, false, kAutoLoclist},
    /* 40 */ {"AUTO", Tag::Variable, false, kAuto},
    /* 41 */ {"PARAM_CONCRETE_LOCLIST", Tag::FormalParameter, false, kParamConcreteLoclist},
    /* 42 */ {"PARAM_CONCRETE", Tag::FormalParameter, false, kParamConcrete},
    /* 43 */ {"PARAM_CLOSURE_LOCLIST", Tag::FormalParameter, false, kParamClosureLoclist},
    /* 44 */ {"PARAM_CLOSURE", Tag::FormalParameter, false, kParamClosure},
    /* 45 */ {"PARAM_LOCLIST", Tag::FormalParameter, false, kParamLoclist},
    /* 46 */ {"PARAM", Tag::FormalParameter, false, kParam},
};

constexpr AbbrevTable kTables[] = {
    {"go1.15", 15, kGo115}, {"go1.19", 19, kGo119}, {"go1.21", 21, kGo121},
    {"go1.22", 22, kGo122}, {"go1.23", 23, kGo123}, {"go1.24", 24, kGo124},
    {"go1.25", 25, kGo125}, {"go1.26", 26, kGo125}, {"go1.27", 27, kGo125},
};

} // namespace

const AbbrevTable* abbrevTableFor(int minor) {
  for (const auto& t : kTables)
    if (t.minor == minor) return &t;
  return nullptr;
}

std::span<const AbbrevTable> abbrevTables() {
  return kTables;
}

Form expandForm(Form f, std::string_view goos, bool dwarf5) {
  switch (f) {
  case Form::UdataPseudo:
    return (goos == "darwin" || goos == "ios") ? Form::Data4 : Form::Udata;
  case Form::LoPcPseudo:
    return dwarf5 ? Form::Addrx : Form::Addr;
  case Form::HiPcPseudo:
    return dwarf5 ? Form::Udata : Form::Addr;
  default:
    return f;
  }
}

unsigned fixedFormSize(Form f) {
  switch (f) {
  case Form::Addr:
    return 8;
  case Form::Data1:
  case Form::Flag:
  case Form::Ref1:
    return 1;
  case Form::Data2:
  case Form::Ref2:
    return 2;
  case Form::Data4:
  case Form::Ref4:
  case Form::RefAddr:
  case Form::SecOffset:
  case Form::Strp:
    return 4;
  case Form::Data8:
  case Form::Ref8:
    return 8;
  case Form::FlagPresent:
    return 0;
  default:
    return 0;
  }
}

std::string_view formName(Form f) {
  switch (f) {
  case Form::Addr:
    return "addr";
  case Form::Block2:
    return "block2";
  case Form::Block4:
    return "block4";
  case Form::Data2:
    return "data2";
  case Form::Data4:
    return "data4";
  case Form::Data8:
    return "data8";
  case Form::String:
    return "string";
  case Form::Block:
    return "block";
  case Form::Block1:
    return "block1";
  case Form::Data1:
    return "data1";
  case Form::Flag:
    return "flag";
  case Form::Sdata:
    return "sdata";
  case Form::Strp:
    return "strp";
  case Form::Udata:
    return "udata";
  case Form::RefAddr:
    return "ref_addr";
  case Form::Ref1:
    return "ref1";
  case Form::Ref2:
    return "ref2";
  case Form::Ref4:
    return "ref4";
  case Form::Ref8:
    return "ref8";
  case Form::RefUdata:
    return "ref_udata";
  case Form::Indirect:
    return "indirect";
  case Form::SecOffset:
    return "sec_offset";
  case Form::Exprloc:
    return "exprloc";
  case Form::FlagPresent:
    return "flag_present";
  case Form::Addrx:
    return "addrx";
  case Form::UdataPseudo:
    return "udata_pseudo";
  case Form::LoPcPseudo:
    return "lo_pc_pseudo";
  case Form::HiPcPseudo:
    return "hi_pc_pseudo";
  }
  return "?";
}

} // namespace gd::loader::dwarf
