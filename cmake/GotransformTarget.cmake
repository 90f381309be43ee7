# GotransformTarget.cmake — gotransform_target(<target>): build a target's
# GO_FUNC sources through gotransform.
#
#   add_executable(app app.c util.c)
#   gotransform_target(app)
#   target_link_libraries(app PRIVATE libsched::sched)
#
# Which sources: every C source of the target (not headers, not other
# languages, not generator expressions) as they stand at the end of the
# directory's CMakeLists.txt (the work is deferred there, so sources, source
# properties and flags set after the call count too).  Each one becomes a
# custom command producing <target binary dir>/gotransform/<target>/<path
# relative to the target's source dir>, and the target compiles that file
# instead of the original.  The command runs GotransformRun.cmake, which
# decides at build time, from the text of the source, whether gotransform is
# needed: a file that mentions GO_FUNC, go(...) or go_main(...) is
# transformed; any other file is copied behind a `#line 1 "<original>"`
# (exact, and no clang parse of files that do not need it — they may use
# gcc-only extensions).  Since the decision is remade whenever the source
# changes, adding the first GO_FUNC to a file needs no re-configure.
#
# Flags: the tool parses with what the compiler gets — the target's
# INCLUDE_DIRECTORIES, COMPILE_DEFINITIONS and COMPILE_OPTIONS including
# those inherited from linked targets (generator expressions evaluated per
# target, so target_link_libraries() may come after gotransform_target()),
# its C_STANDARD/C_EXTENSIONS, the source file's own properties, and
# CMAKE_C_FLAGS plus CMAKE_C_FLAGS_<CONFIG>.  No compile_commands.json: it
# is written only at generate time and would name the generated file.
#
# Dependencies: gotransform writes a depfile (-MD -MF) naming the source and
# every header it includes, so the command re-runs when any of them changes
# (DEPFILE: Makefile and Ninja generators with CMake >= 3.20, Visual Studio
# and Xcode with >= 3.21; elsewhere only the source itself is tracked).  It
# also re-runs when gotransform itself is rebuilt.
#
# The generated file starts with #line directives naming the original, so
# compiler errors, __FILE__, gdb and sanitizer reports show the user's file
# and lines; quote includes still resolve next to the original (-iquote).
# The original is not a source of the target any more (marking it
# HEADER_FILE_ONLY would hide it from other targets of the same directory,
# e.g. a -DGOSCHED_SEQUENTIAL build of the same file).
#
# The tool is the imported target libsched::gotransform (find_package) or the
# in-tree gotransform target (add_subdirectory), aliased libsched::gotransform.
# Must be called from the directory that created the target (custom command
# outputs are only visible to targets of their own directory).
include_guard(GLOBAL)

# Escapes a literal flag for use inside a generator expression (a flag
# holding "$<" is not supported).
function(_gotransform_genex_escape out value)
  string(REPLACE ">" "$<ANGLE-R>" value "${value}")
  string(REPLACE "," "$<COMMA>" value "${value}")
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# The global C flags (CMAKE_C_FLAGS and CMAKE_C_FLAGS_<CONFIG>) as a list of
# arguments, per configuration for multi-config generators.
function(_gotransform_global_flags out)
  separate_arguments(flags UNIX_COMMAND "${CMAKE_C_FLAGS}")
  get_property(multi GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi)
    set(configs ${CMAKE_CONFIGURATION_TYPES})
  else()
    set(configs ${CMAKE_BUILD_TYPE})
  endif()
  foreach(config IN LISTS configs)
    string(TOUPPER "${config}" upper)
    separate_arguments(config_flags UNIX_COMMAND "${CMAKE_C_FLAGS_${upper}}")
    foreach(flag IN LISTS config_flags)
      if(multi)
        _gotransform_genex_escape(flag "${flag}")
        set(flag "$<$<CONFIG:${config}>:${flag}>")
      endif()
      list(APPEND flags "${flag}")
    endforeach()
  endforeach()
  set(${out} ${flags} PARENT_SCOPE)
endfunction()

# The tool as a target name, and what a custom command should DEPEND on so
# that it is built first and re-runs when the tool changes.
function(_gotransform_tool out_target out_depend)
  if(TARGET libsched::gotransform)
    set(tool libsched::gotransform)
  elseif(TARGET gotransform)
    set(tool gotransform)
  else()
    message(FATAL_ERROR "gotransform_target: no gotransform tool: use find_package(libsched) "
      "or add_subdirectory() of libsched with GOSCHED_BUILD_TRANSFORM=ON (needs libclang)")
  endif()
  get_target_property(aliased ${tool} ALIASED_TARGET)
  if(aliased)
    set(tool ${aliased})
  endif()
  get_target_property(imported ${tool} IMPORTED)
  if(imported)
    set(${out_depend} "$<TARGET_FILE:${tool}>" PARENT_SCOPE)
  else()
    set(${out_depend} ${tool} PARENT_SCOPE)   # target-level and file-level dependency
  endif()
  set(${out_target} ${tool} PARENT_SCOPE)
endfunction()

# Where the generated file for `source` (absolute) goes: its path relative to
# the target's source dir, or a per-directory hash for files outside it.
function(_gotransform_output_path out target source)
  get_target_property(src_dir ${target} SOURCE_DIR)
  get_target_property(bin_dir ${target} BINARY_DIR)
  file(RELATIVE_PATH rel "${src_dir}" "${source}")
  if(rel MATCHES "^\\.\\./" OR IS_ABSOLUTE "${rel}")
    get_filename_component(dir "${source}" DIRECTORY)
    get_filename_component(name "${source}" NAME)
    string(MD5 hash "${dir}")
    string(SUBSTRING "${hash}" 0 12 hash)
    set(rel "_ext/${hash}/${name}")
  endif()
  set(${out} "${bin_dir}/gotransform/${target}/${rel}" PARENT_SCOPE)
endfunction()

function(gotransform_target target)
  if(ARGN)
    message(FATAL_ERROR "gotransform_target(${target}): unexpected arguments: ${ARGN}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "gotransform_target: no target named ${target}")
  endif()
  get_target_property(aliased ${target} ALIASED_TARGET)
  get_target_property(imported ${target} IMPORTED)
  get_target_property(type ${target} TYPE)
  if(aliased OR imported OR NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
    message(FATAL_ERROR "gotransform_target(${target}): needs an executable or library built here")
  endif()
  get_target_property(src_dir ${target} SOURCE_DIR)
  if(NOT src_dir STREQUAL CMAKE_CURRENT_SOURCE_DIR)
    message(FATAL_ERROR "gotransform_target(${target}): call it in ${src_dir}, where the target is created")
  endif()
  get_target_property(done ${target} GOTRANSFORM_APPLIED)
  if(done)
    message(FATAL_ERROR "gotransform_target(${target}): already applied")
  endif()
  set_property(TARGET ${target} PROPERTY GOTRANSFORM_APPLIED TRUE)
  _gotransform_tool(tool tool_depend)   # fail now, not at the end, without a tool
  # A deferred call reads variables when it runs: bake the name in now.
  cmake_language(EVAL CODE "cmake_language(DEFER CALL _gotransform_apply [==[${target}]==])")
endfunction()

# The work of gotransform_target(), at the end of the target's directory,
# when its sources, source properties and the directory's flags are final.
function(_gotransform_apply target)
  get_target_property(src_dir ${target} SOURCE_DIR)
  _gotransform_tool(tool tool_depend)
  _gotransform_global_flags(global_flags)
  set(run_script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/GotransformRun.cmake")

  # The target's own flags, with everything inherited from linked targets.
  set(incs "$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>")
  set(defs "$<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>")
  set(opts "$<TARGET_PROPERTY:${target},COMPILE_OPTIONS>")
  set(std "$<TARGET_PROPERTY:${target},C_STANDARD>")
  set(ext "$<TARGET_PROPERTY:${target},C_EXTENSIONS>")
  set(gnu "$<OR:$<STREQUAL:${ext},>,$<BOOL:${ext}>>")   # extensions unless switched off
  set(target_flags
    "$<$<BOOL:${std}>:-std=$<IF:${gnu},gnu,c>${std}>"
    "$<$<BOOL:${defs}>:-D$<JOIN:${defs},$<SEMICOLON>-D>>"
    "$<$<BOOL:${incs}>:-I$<JOIN:${incs},$<SEMICOLON>-I>>"
    "${opts}")

  get_target_property(sources ${target} SOURCES)
  set(new_sources "")
  foreach(source IN LISTS sources)
    if(source MATCHES "\\$<")
      list(APPEND new_sources "${source}")
      continue()
    endif()
    get_filename_component(abs "${source}" ABSOLUTE BASE_DIR "${src_dir}")
    get_property(lang SOURCE "${abs}" PROPERTY LANGUAGE)
    get_property(header_only SOURCE "${abs}" PROPERTY HEADER_FILE_ONLY)
    get_filename_component(ext_of "${abs}" LAST_EXT)
    if(header_only OR NOT (lang STREQUAL "C" OR (NOT lang AND ext_of STREQUAL ".c")))
      list(APPEND new_sources "${source}")
      continue()
    endif()

    _gotransform_output_path(out ${target} "${abs}")
    get_filename_component(abs_dir "${abs}" DIRECTORY)
    get_property(src_defs SOURCE "${abs}" PROPERTY COMPILE_DEFINITIONS)
    get_property(src_opts SOURCE "${abs}" PROPERTY COMPILE_OPTIONS)
    get_property(src_incs SOURCE "${abs}" PROPERTY INCLUDE_DIRECTORIES)
    set(file_flags ${src_opts})
    foreach(d IN LISTS src_defs)
      list(APPEND file_flags "-D${d}")
    endforeach()
    foreach(i IN LISTS src_incs)
      list(APPEND file_flags "-I${i}")
    endforeach()

    set(depfile_args "")
    if(CMAKE_GENERATOR MATCHES "Ninja|Makefiles"
       OR (CMAKE_GENERATOR MATCHES "Visual Studio|Xcode" AND CMAKE_VERSION VERSION_GREATER_EQUAL 3.21))
      set(depfile_args DEPFILE "${out}.d")
    endif()
    file(RELATIVE_PATH shown "${CMAKE_BINARY_DIR}" "${out}")
    cmake_policy(PUSH)
    cmake_policy(SET CMP0116 NEW)   # depfile paths are absolute or relative to this dir
    add_custom_command(
      OUTPUT "${out}"
      COMMAND "${CMAKE_COMMAND}" -P "${run_script}" --
              "$<TARGET_FILE:${tool}>" "${abs}" "${out}" "${out}.d"
              ${global_flags} ${target_flags} ${file_flags}
      DEPENDS "${abs}" ${tool_depend} "${run_script}"
      ${depfile_args}
      COMMENT "gotransform ${shown}"
      VERBATIM COMMAND_EXPAND_LISTS)
    cmake_policy(POP)

    # The generated file compiles as the original would, and finds the
    # original's neighbours for #include "...".
    if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
      list(PREPEND src_opts "-iquote" "${abs_dir}")
    else()
      list(PREPEND src_incs "${abs_dir}")
    endif()
    set_source_files_properties("${out}" PROPERTIES
      COMPILE_OPTIONS "${src_opts}"
      COMPILE_DEFINITIONS "${src_defs}"
      INCLUDE_DIRECTORIES "${src_incs}")
    list(APPEND new_sources "${out}")
  endforeach()
  set_property(TARGET ${target} PROPERTY SOURCES "${new_sources}")
endfunction()
