/**
 * Tests and benches only: ResNet-50's topology as `keras.applications.ResNet50().to_json()`
 * writes it (Keras 2.x functional format, tf.keras 2.x layer names: conv1_pad, conv1_conv,
 * conv2_block1_0_conv …, avg_pool, predictions), built here because the real file is
 * ~200 KB and needs TensorFlow to make. Keras Applications reports 25,583,592 trainable and
 * 53,120 non-trainable parameters for it.
 */
type Json = Record<string, unknown>;

/**
 * The model config. With `keras3`, inbound nodes are Keras 3's `{args: [__keras_tensor__]}`
 * and shapes `batch_shape`.
 */
export function kerasResNet50(options: { keras3?: boolean } = {}): Json {
  const layers: Json[] = [];
  const add = (className: string, name: string, config: Json, inputs: string[]): string => {
    const inbound = options.keras3
      ? inputs.length === 0
        ? []
        : [
            {
              args: [inputs.length === 1 ? keras3Tensor(inputs[0]) : inputs.map(keras3Tensor)],
              kwargs: {},
            },
          ]
      : inputs.length === 0
        ? []
        : [inputs.map((input) => [input, 0, 0, {}])];
    layers.push({
      class_name: className,
      name,
      config: { name, trainable: true, dtype: 'float32', ...config },
      inbound_nodes: inbound,
    });
    return name;
  };
  const conv = (
    name: string,
    input: string,
    filters: number,
    kernel: number,
    strides = 1,
    padding = 'valid',
  ) =>
    add(
      'Conv2D',
      name,
      {
        filters,
        kernel_size: [kernel, kernel],
        strides: [strides, strides],
        padding,
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        groups: 1,
        activation: 'linear',
        use_bias: true,
      },
      [input],
    );
  const bn = (name: string, input: string) =>
    add(
      'BatchNormalization',
      name,
      { axis: [3], momentum: 0.99, epsilon: 1.001e-5, center: true, scale: true },
      [input],
    );
  const relu = (name: string, input: string) => add('Activation', name, { activation: 'relu' }, [input]);

  const shape = [null, 224, 224, 3];
  let x = add(
    'InputLayer',
    'input_1',
    options.keras3 ? { batch_shape: shape } : { batch_input_shape: shape },
    [],
  );
  x = add(
    'ZeroPadding2D',
    'conv1_pad',
    {
      padding: [
        [3, 3],
        [3, 3],
      ],
      data_format: 'channels_last',
    },
    [x],
  );
  x = conv('conv1_conv', x, 64, 7, 2);
  x = relu('conv1_relu', bn('conv1_bn', x));
  x = add(
    'ZeroPadding2D',
    'pool1_pad',
    {
      padding: [
        [1, 1],
        [1, 1],
      ],
      data_format: 'channels_last',
    },
    [x],
  );
  x = add(
    'MaxPooling2D',
    'pool1_pool',
    { pool_size: [3, 3], strides: [2, 2], padding: 'valid', data_format: 'channels_last' },
    [x],
  );

  const block = (
    input: string,
    filters: number,
    stride: number,
    projection: boolean,
    name: string,
  ): string => {
    const shortcut = projection
      ? bn(`${name}_0_bn`, conv(`${name}_0_conv`, input, 4 * filters, 1, stride))
      : input;
    let y = relu(`${name}_1_relu`, bn(`${name}_1_bn`, conv(`${name}_1_conv`, input, filters, 1, stride)));
    y = relu(`${name}_2_relu`, bn(`${name}_2_bn`, conv(`${name}_2_conv`, y, filters, 3, 1, 'same')));
    y = bn(`${name}_3_bn`, conv(`${name}_3_conv`, y, 4 * filters, 1));
    return relu(`${name}_out`, add('Add', `${name}_add`, {}, [shortcut, y]));
  };
  const stacks: Array<[filters: number, blocks: number, stride: number, name: string]> = [
    [64, 3, 1, 'conv2'],
    [128, 4, 2, 'conv3'],
    [256, 6, 2, 'conv4'],
    [512, 3, 2, 'conv5'],
  ];
  for (const [filters, blocks, stride, name] of stacks) {
    x = block(x, filters, stride, true, `${name}_block1`);
    for (let i = 2; i <= blocks; i++) x = block(x, filters, 1, false, `${name}_block${i}`);
  }
  x = add('GlobalAveragePooling2D', 'avg_pool', { data_format: 'channels_last' }, [x]);
  x = add('Dense', 'predictions', { units: 1000, activation: 'softmax', use_bias: true }, [x]);
  const ref = (name: string) => (options.keras3 ? [name, 0, 0] : [[name, 0, 0]]);
  return {
    class_name: options.keras3 ? 'Functional' : 'Model',
    config: { name: 'resnet50', layers, input_layers: ref('input_1'), output_layers: ref(x) },
    keras_version: options.keras3 ? '3.8.0' : '2.4.0',
    backend: 'tensorflow',
  };
}

function keras3Tensor(layer: string): Json {
  return {
    class_name: '__keras_tensor__',
    config: { shape: null, dtype: 'float32', keras_history: [layer, 0, 0] },
  };
}
