# quipu_layer(TARGET SOURCES files... [PUBLIC deps...] [PRIVATE deps...]
#             [EXPOSES public headers...])
#
# One folder, one static library, named by the folder it is called from.
# Its headers are reached as "folder/file.h" through an include root of its
# own, build/layers/FOLDER, which holds a single link FOLDER -> the source
# folder (and, for core, links to the public headers it implements under
# quipu/). A target sees only the roots of what it links, so an include of a
# layer it does not depend on fails to build (as Bazel's _virtual_includes
# do), and PRIVATE dependencies do not leak to the layers above: tests/
# layering/ compiles probes that show it.
function(quipu_layer target)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC;PRIVATE;EXPOSES" ${ARGN})
  get_filename_component(folder ${CMAKE_CURRENT_SOURCE_DIR} NAME)
  set(root ${PROJECT_BINARY_DIR}/layers/${folder})
  file(MAKE_DIRECTORY ${root})
  file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${root}/${folder} SYMBOLIC)
  foreach(header ${ARG_EXPOSES})
    get_filename_component(name ${header} NAME)
    file(MAKE_DIRECTORY ${root}/quipu)
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/quipu/${name} ${root}/quipu/${name} SYMBOLIC)
  endforeach()
  add_library(${target} STATIC ${ARG_SOURCES})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${root}>)
  target_compile_options(${target} PRIVATE ${QUIPU_WARNINGS})
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE})
  # Position-independent and hidden, so libquipu.so and the Python module can
  # hold them and export only what QUIPU_EXPORT marks (include/quipu/export.h).
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON
                        CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
endfunction()
