# The package test (ctest -L package): installs the current build into a fresh prefix,
# configures and builds tests/package/ against it as an outside project, runs it on the
# bundled scenario and checks that
#   - the install holds the CLI, <plancast/plancast.h> and the CMake package files;
#   - the outside project's compile line has -ffp-contract=off and none of plancast's
#     warning flags (-Wall -Wextra -Wpedantic stay inside plancast's own build);
#   - every target's hits match the installed CLI's at the same 1,000 runs.
# cmake -DPLANCAST_BUILD=DIR -DSOURCE=tests/package -DWORK=DIR -DSCENARIO=FILE
#       -DGENERATOR=G -DCXX=COMPILER [-DLAUNCHER=ccache] [-DCXX_FLAGS=... -DLINKER_FLAGS=...]
#       -P run.cmake
# CXX_FLAGS and LINKER_FLAGS are the build's own (e.g. scripts/sanitize.sh's -fsanitize=...),
# which a program linking its static libraries needs too.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)
run("cmake --install" ${CMAKE_COMMAND} --install ${PLANCAST_BUILD} --prefix ${prefix})
foreach(f bin/plancast include/plancast/plancast.h include/plancast/engine/sim/runner.h)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(GLOB config ${prefix}/lib*/cmake/plancast/plancastConfig.cmake)
file(GLOB version ${prefix}/lib*/cmake/plancast/plancastConfigVersion.cmake)
if(NOT config OR NOT version)
  message(FATAL_ERROR "not installed: lib/cmake/plancast/plancastConfig{,Version}.cmake")
endif()

set(launcher)
if(LAUNCHER)
  set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
run("configuring the outside project" ${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK}/build
    -G ${GENERATOR} -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=${CXX} ${launcher}
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}"
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
file(READ ${WORK}/build/compile_commands.json commands)
string(JSON line GET "${commands}" 0 command)
if(NOT line MATCHES "-ffp-contract=off")
  message(FATAL_ERROR "-ffp-contract=off not passed on to a consumer:\n${line}")
endif()
if(line MATCHES " -W(all|extra|pedantic)")
  message(FATAL_ERROR "a consumer inherits plancast's warning flags:\n${line}")
endif()
run("building the outside project" ${CMAKE_COMMAND} --build ${WORK}/build)

run("package_app" ${WORK}/build/package_app ${SCENARIO})
set(app "${out}")
message(STATUS "package_app:\n${app}")
run("plancast run" ${prefix}/bin/plancast run ${SCENARIO} --runs 1000 --quiet --json -)
set(json "${out}")
string(JSON n LENGTH "${json}" targets)
if(n EQUAL 0)
  message(FATAL_ERROR "the scenario has no targets")
endif()
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
  string(JSON id GET "${json}" targets ${i} id)
  string(JSON hits GET "${json}" targets ${i} hits)
  if(NOT app MATCHES "(^|\n)${id} hits=${hits} probability=")
    message(FATAL_ERROR "target ${id}: the CLI has hits=${hits}; package_app printed:\n${app}")
  endif()
endforeach()
string(REGEX MATCHALL "\n" lines "\n${app}")
list(LENGTH lines printed)
math(EXPR printed "${printed} - 1")  # the output ends with a newline
if(NOT printed EQUAL n)
  message(FATAL_ERROR "package_app printed ${printed} targets, the CLI ${n}")
endif()
