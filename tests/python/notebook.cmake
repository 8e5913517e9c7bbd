# Executes the worked notebook (docs/notebooks/jiaxing.ipynb) top to bottom with nbconvert
# into a fresh folder (the repository's copy is never rewritten); any cell's error fails.
# cmake -DPYTHON=python3 -DNOTEBOOK=... -DOUT=DIR -P notebook.cmake
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
execute_process(
  COMMAND ${PYTHON} -m nbconvert --to notebook --execute --output-dir ${OUT}
          --ExecutePreprocessor.timeout=600 ${NOTEBOOK}
  WORKING_DIRECTORY ${OUT}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nbconvert --execute ${NOTEBOOK} failed (${rc})")
endif()
