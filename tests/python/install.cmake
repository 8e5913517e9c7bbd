# `cmake --install` puts the Python package into the prefix's site-packages: installs the
# build into a fresh prefix and imports plancast from there (not from the build tree), and
# runs the bundled scenario.
# cmake -DPLANCAST_BUILD=DIR -DWORK=DIR -DPYTHON=python3 -DPYDIR=lib/python3.X/... -P install.cmake
file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${PLANCAST_BUILD} --prefix ${prefix}
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc}): ${err}")
endif()
file(GLOB module ${prefix}/${PYDIR}/plancast/_plancast*.so)
if(NOT module OR NOT EXISTS ${prefix}/${PYDIR}/plancast/__init__.py)
  message(FATAL_ERROR "not installed: ${PYDIR}/plancast/{__init__.py,_plancast*.so}")
endif()
set(check "import plancast, sys; assert plancast.__file__.startswith(sys.argv[1]), plancast.__file__; \
t = plancast.run(runs=200).targets(); assert len(t) > 0; print(plancast.__file__)")
execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=PYTHONPATH PYTHONPATH=${prefix}/${PYDIR}
                        ${PYTHON} -c "${check}" ${prefix}
                WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "importing the installed plancast failed (${rc}):\n${out}\n${err}")
endif()
message(STATUS "installed module: ${out}")
